import { useEffect, useRef, useState } from 'preact/hooks';
import { execute } from './api';
import { fullName } from './format';
import { Icon } from './icons';
import { SEARCH_QUERY, type SearchHit } from './queries';

const DEBOUNCE_MS = 180;

type SearchState =
  | { status: 'idle' }
  /** Keeps the previous suggestions on screen while the next ones load. */
  | { status: 'loading'; hits: SearchHit[] }
  | { status: 'done'; hits: SearchHit[] }
  | { status: 'error'; message: string };

/**
 * A combobox (WAI-ARIA pattern): suggestions as you type, arrow keys to move, Enter to open,
 * Escape to close. "/" anywhere on the page focuses it.
 */
export function SearchBox({ onSelect }: { onSelect: (id: string) => void }) {
  const [text, setText] = useState('');
  const [state, setState] = useState<SearchState>({ status: 'idle' });
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  /** Enter pressed before the suggestions for the current text arrived: open the first of them. */
  const enterPending = useRef(false);

  useEffect(() => {
    const query = text.trim();
    if (!query) {
      setState({ status: 'idle' });
      return;
    }
    const abort = new AbortController();
    setState((s) => ({ status: 'loading', hits: 'hits' in s ? s.hits : [] }));
    const timer = setTimeout(() => {
      execute(SEARCH_QUERY, { query }, abort.signal).then(
        ({ searchCustomers }) => {
          if (enterPending.current && searchCustomers[0]) {
            choose(searchCustomers[0]);
            return;
          }
          enterPending.current = false;
          setState({ status: 'done', hits: searchCustomers });
          setActive(searchCustomers.length ? 0 : -1);
        },
        (err: unknown) => {
          if (!abort.signal.aborted) setState({ status: 'error', message: err instanceof Error ? err.message : String(err) });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !target?.closest('input, textarea, [contenteditable]')) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const hits = 'hits' in state ? state.hits : [];
  const expanded = open && text.trim() !== '' && state.status !== 'idle';

  function choose(hit: SearchHit) {
    enterPending.current = false;
    onSelect(hit.id);
    setText('');
    setOpen(false);
    setActive(-1);
  }

  const onKeyDown = (e: KeyboardEvent) => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        setOpen(true);
        if (hits.length) setActive((i) => (i + 1) % hits.length);
        break;
      case 'ArrowUp':
        e.preventDefault();
        setOpen(true);
        if (hits.length) setActive((i) => (i <= 0 ? hits.length - 1 : i - 1));
        break;
      case 'Enter': {
        if (!text.trim()) break;
        e.preventDefault();
        const hit = hits[active];
        if (state.status === 'done' && expanded && hit) choose(hit);
        else if (state.status === 'loading') enterPending.current = true;
        break;
      }
      case 'Escape':
        enterPending.current = false;
        if (expanded) setOpen(false);
        else setText('');
        break;
    }
  };

  return (
    <div class="search" role="search">
      <label for="customer-search" class="visually-hidden">
        Find a customer by id, email or name
      </label>
      <span class="search__icon" aria-hidden="true">
        <Icon name="search" size={18} />
      </span>
      <input
        ref={input}
        id="customer-search"
        class="search__input"
        type="text"
        role="combobox"
        enterkeyhint="search"
        autocomplete="off"
        spellcheck={false}
        placeholder="Search by customer id, email or name"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls="customer-suggestions"
        aria-activedescendant={expanded && active >= 0 && hits[active] ? `suggestion-${hits[active]!.id}` : undefined}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      />
      <kbd class="search__hint" aria-hidden="true">
        /
      </kbd>
      <div class="search__popup" hidden={!expanded}>
        {state.status === 'loading' && hits.length === 0 && <p class="search__note">Searching…</p>}
        {state.status === 'error' && (
          <p class="search__note search__note--error" role="alert">
            Search failed: {state.message}
          </p>
        )}
        {state.status === 'done' && hits.length === 0 && <p class="search__note">No customer matches “{text.trim()}”.</p>}
        <ul id="customer-suggestions" role="listbox" aria-label="Matching customers">
          {hits.map((hit, i) => (
            <li
              key={hit.id}
              id={`suggestion-${hit.id}`}
              role="option"
              aria-selected={i === active}
              class={`suggestion ${i === active ? 'suggestion--active' : ''}`}
              // mousedown, not click: it fires before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(hit);
              }}
              onMouseMove={() => setActive(i)}
            >
              <span class="suggestion__name">{fullName(hit)}</span>
              <span class="suggestion__id">{hit.id}</span>
              <span class="suggestion__email">{hit.email ?? ''}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
