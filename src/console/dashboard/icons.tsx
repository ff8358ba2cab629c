import type { SVGAttributes } from 'preact';
import type { ActivityType } from './queries';

/** Small inline icons (24×24, stroked): no icon font, nothing fetched. */
const PATHS: Record<string, string> = {
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zm9 16-4-4',
  bag: 'M6 7h12l1 13H5L6 7zm3 0a3 3 0 0 1 6 0',
  store: 'M4 9l1.5-5h13L20 9M4 9h16M4 9a2.7 2.7 0 0 0 5.3 0 2.7 2.7 0 0 0 5.4 0 2.7 2.7 0 0 0 5.3 0M5 11v9h14v-9M10 20v-5h4v5',
  mail: 'M4 6h16v12H4zm0 0 8 7 8-7',
  globe: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z',
  login: 'M14 4h5v16h-5M4 12h11m-4-4 4 4-4 4',
  alert: 'M12 4 2.5 20h19L12 4zm0 6v4m0 3v.5',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  user: 'M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM4 21c1-4 4-6 8-6s7 2 8 6',
  mapPin: 'M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12zm0-14.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  cake: 'M4 20h16v-8H4zm0-4c2 1 4 1 5.3 0s3.4-1 5.4 0 4 1 5.3 0M12 12V8m0-4v.5',
  clock: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 4v5l3 2',
  code: 'M8 7l-5 5 5 5m8-10 5 5-5 5',
  star: 'M12 4l2.4 5 5.4.6-4 3.7 1.1 5.4L12 16l-4.8 2.7 1.1-5.4-4-3.7 5.4-.6z',
  chart: 'M4 20V4m0 16h16M8 16v-4m4 4V8m4 8v-6',
  layers: 'M12 3 3 8l9 5 9-5-9-5zm-9 9 9 5 9-5M3 16l9 5 9-5',
  retry: 'M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3M18 3v4h-4M6 21v-4h4',
  trash: 'M4 7h16M10 11v6m4-6v6M6 7l1 13h10l1-13M9 7V4h6v3',
};

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18, ...rest }: { name: IconName; size?: number } & SVGAttributes<SVGSVGElement>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

export const ACTIVITY_ICON: Record<ActivityType, IconName> = {
  ONLINE_ORDER: 'bag',
  INSTORE_ORDER: 'store',
  EMAIL_SENT: 'mail',
  WEBSITE_VISIT: 'globe',
  LOGIN: 'login',
  WEBSITE_ERROR: 'alert',
};
