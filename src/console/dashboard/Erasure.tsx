import { useEffect, useRef, useState } from 'preact/hooks';
import { count, dateTime } from './format';
import { Icon } from './icons';
import type { Receipt } from './queries';

/**
 * The privacy role's erase action: a confirmation that asks for the request's reference and the customer id
 * typed again, because an erasure cannot be undone.
 */
export function EraseAction({ customerId, onErase }: { customerId: string; onErase: (reason: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="profile-actions">
      <button type="button" class="button button--danger" onClick={() => setOpen(true)}>
        <Icon name="trash" size={16} /> Erase customer…
      </button>
      {open && <EraseDialog customerId={customerId} onErase={onErase} onClose={() => setOpen(false)} />}
    </div>
  );
}

function EraseDialog({ customerId, onErase, onClose }: { customerId: string; onErase: (reason: string) => Promise<void>; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const ready = reason.trim().length > 0 && typed.trim() === customerId && !busy;
  return (
    <dialog ref={dialog} class="erase-dialog" aria-labelledby="erase-title" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          setBusy(true);
          setError(null);
          onErase(reason.trim()).then(
            () => onClose(),
            (err: unknown) => {
              setBusy(false);
              setError(err instanceof Error ? err.message : String(err));
            },
          );
        }}
      >
        <h2 id="erase-title">Erase {customerId}?</h2>
        <p>
          Every record of this customer is removed from every table, and later events for the id are dropped. This cannot be undone. The
          sources (MongoDB, Kafka) must be erased too (docs/privacy.md).
        </p>
        <label for="erase-reason">Reason (the request's reference, no personal data)</label>
        <input id="erase-reason" class="erase-dialog__input" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
        <label for="erase-confirm">
          Type <strong class="chip chip--mono">{customerId}</strong> to confirm
        </label>
        <input id="erase-confirm" class="erase-dialog__input" autocomplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        {error && (
          <p class="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <div class="erase-dialog__buttons">
          <button type="button" class="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button--danger" disabled={!ready}>
            {busy ? 'Erasing…' : 'Erase permanently'}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** What is left of an erased customer: the receipt. */
export function Erased({ receipt }: { receipt: Receipt }) {
  return (
    <div class="state-card state-card--erased" role="status" data-erased={receipt.customerId} data-completed={receipt.completedAt ? 'true' : 'false'}>
      <span class="welcome__icon" aria-hidden="true">
        <Icon name="trash" size={28} />
      </span>
      <h1>Customer {receipt.customerId} was erased</h1>
      <dl class="receipt">
        <div>
          <dt>Requested</dt>
          <dd>{dateTime(receipt.requestedAt)}</dd>
        </div>
        <div>
          <dt>Rows removed</dt>
          <dd data-field="rowsRemoved">{count(receipt.rowsRemoved)}</dd>
        </div>
        <div>
          <dt>Removed from disk</dt>
          <dd data-field="completedAt">{receipt.completedAt ? dateTime(receipt.completedAt) : 'in progress…'}</dd>
        </div>
        <div class="receipt__wide">
          <dt>Tables</dt>
          <dd>{receipt.tables.join(', ')}</dd>
        </div>
      </dl>
      <p class="muted">Later events for this id are dropped. Erase it in the sources too (MongoDB, Kafka, backups).</p>
    </div>
  );
}
