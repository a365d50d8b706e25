// A secret shown once (a new API key, a webhook endpoint's signing secret): readable, selectable,
// copyable, with the warning that it cannot be shown again.
import { CopyButton } from './copy-button.js';

export interface SecretRevealProps {
  secret: string;
  /** The accessible name of the field holding the secret, e.g. "New API key value". */
  label: string;
  warning: string;
}

export function SecretReveal({ secret, label, warning }: SecretRevealProps) {
  return (
    <div className="stack">
      <p className="warning" role="note">
        <strong>{warning}</strong>
      </p>
      <div className="secret-row">
        <textarea
          className="secret secret-wrap"
          readOnly
          rows={2}
          value={secret}
          aria-label={label}
          autoFocus
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={secret} />
      </div>
    </div>
  );
}
