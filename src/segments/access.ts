import type { SegmentChangeFilter } from './bus';
import type { SegmentDefinition } from './definitions';
import type { SegmentChange } from './evaluate';

/** What the API reads of the segments: the definitions in force and the stream of changes. */
export interface SegmentsAccess {
  list(): readonly SegmentDefinition[];
  get(name: string): SegmentDefinition | undefined;
  subscribe(filter: SegmentChangeFilter): AsyncGenerator<SegmentChange, void, undefined>;
}
