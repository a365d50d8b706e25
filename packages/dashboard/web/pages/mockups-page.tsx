// Mockups: the gallery (built-in and own templates, smart objects outlined) and, at
// /dashboard/mockups/<uuid>, the "try it" form that renders uploaded artwork and shows the curl
// command that does the same through the public API.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApp } from '../app-context.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorMessage, Loading, StatusBadge } from '../components/feedback.js';
import { Link } from '../components/link.js';
import { MockupPreview } from '../components/mockup-preview.js';
import { ApiError } from '../lib/api-error.js';
import {
  EXPORT_FORMATS,
  FIT_MODES,
  type CreateRenderBody,
  type ExportFormat,
  type FitMode,
  type Mockup,
  type Render,
} from '../lib/api-types.js';
import { buildCurlCommand } from '../lib/curl.js';
import { durationBetween, formatBytes, formatDuration, shortId } from '../lib/format.js';
import { pollUntil, PollCancelledError } from '../lib/poll.js';
import {
  EXPORT_SIZE,
  base64FromDataUrl,
  buildRenderBody,
  isFinished,
  parseExportSize,
} from '../lib/render-form.js';
import { creditsLabel, renderPrice } from '../lib/render-price.js';
import { routePath } from '../lib/routes.js';
import { useResource } from '../use-resource.js';

export function MockupsPage({ openUuid }: { openUuid: string | null }) {
  const { api } = useApp();
  const mockups = useResource(() => api.listMockups(), [api]);
  const open = openUuid
    ? mockups.data?.find((mockup) => mockup.uuid === openUuid || mockup.slug === openUuid)
    : null;

  if (openUuid) {
    return (
      <section aria-labelledby="page-title" className="stack">
        <p>
          <Link to={routePath('mockups')}>← All mockups</Link>
        </p>
        <ErrorMessage error={mockups.error} />
        {mockups.loading && !mockups.data ? (
          <Loading what="the mockup" />
        ) : open ? (
          <TryIt key={open.uuid} mockup={open} />
        ) : mockups.data ? (
          <>
            <h1 id="page-title" tabIndex={-1}>
              Mockup not found
            </h1>
            <p className="empty">There is no mockup {openUuid} in this account.</p>
          </>
        ) : null}
      </section>
    );
  }

  return (
    <section aria-labelledby="page-title" className="stack">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Mockups
        </h1>
      </div>
      <p className="muted">Smart objects, the areas your artwork fills, are outlined on each template.</p>
      <ErrorMessage error={mockups.error} />
      {mockups.loading && !mockups.data ? (
        <Loading what="mockups" />
      ) : mockups.data && mockups.data.length === 0 ? (
        <p className="empty">No mockups yet.</p>
      ) : (
        <ul className="gallery">
          {mockups.data?.map((mockup) => (
            <li key={mockup.uuid} className="card mockup-card">
              <MockupPreview mockup={mockup} showLabels={false} />
              <h2 className="mockup-name">{mockup.name}</h2>
              <p className="small muted">
                <code>{mockup.slug}</code> · {mockup.width} × {mockup.height}
              </p>
              <p className="small">
                {mockup.built_in ? (
                  <span className="badge">built-in</span>
                ) : (
                  <span className="badge">yours</span>
                )}{' '}
                {mockup.status !== 'ready' && <StatusBadge status={mockup.status} />}{' '}
                {mockup.smart_objects.length} smart {mockup.smart_objects.length === 1 ? 'object' : 'objects'}
                : {mockup.smart_objects.map((object) => object.name).join(', ')}
              </p>
              {mockup.status === 'ready' && (
                <Link to={routePath('mockups', mockup.uuid)} className="button-link">
                  Try {mockup.name}
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new Error(`Could not read ${file.name}.`));
    reader.onload = () => {
      try {
        if (typeof reader.result !== 'string') throw new Error(`Could not read ${file.name}.`);
        resolve(base64FromDataUrl(reader.result));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    reader.readAsDataURL(file);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => window.setTimeout(resolve, ms));

type Phase =
  | { state: 'idle' }
  | { state: 'sending' }
  | { state: 'waiting'; render: Render }
  | { state: 'done'; render: Render };

function TryIt({ mockup }: { mockup: Mockup }) {
  const { api, refreshMe } = useApp();
  const [files, setFiles] = useState<Record<string, File | undefined>>({});
  const [fit, setFit] = useState<FitMode>('cover');
  const [format, setFormat] = useState<ExportFormat>('png');
  const [size, setSize] = useState('');
  // Pre-filled with each product's own colour (e.g. the t-shirt's fabric).
  const [colors, setColors] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      mockup.smart_objects.flatMap((object) =>
        object.color ? [[object.uuid, object.color.default.toLowerCase()]] : [],
      ),
    ),
  );
  const [error, setError] = useState<unknown>(null);
  const [phase, setPhase] = useState<Phase>({ state: 'idle' });
  const [sent, setSent] = useState<CreateRenderBody | null>(null);
  const left = useRef(false);

  useEffect(() => {
    left.current = false;
    return () => {
      left.current = true;
    };
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const artworks: Record<string, string> = {};
      for (const object of mockup.smart_objects) {
        const file = files[object.uuid];
        if (file) artworks[object.uuid] = await readAsBase64(file);
      }
      const fileSizes = Object.values(files).map((file) => file?.size ?? 0);
      const built = buildRenderBody(mockup, { artworks, fileSizes, fit, format, size, colors });
      if (!built.ok) return setError(new Error(built.error));
      setPhase({ state: 'sending' });
      const accepted = await api.createRender(built.value);
      setSent(built.value);
      refreshMe();
      setPhase({ state: 'waiting', render: accepted });
      const finished = isFinished(accepted)
        ? accepted
        : await pollUntil(() => api.getRender(accepted.uuid), isFinished, {
            intervalMs: 1000,
            maxAttempts: 180,
            sleep,
            cancelled: () => left.current,
          });
      setPhase({ state: 'done', render: finished });
      if (finished.status === 'failed') refreshMe();
    } catch (reason) {
      if (reason instanceof PollCancelledError) return;
      setError(reason);
      setPhase((current) => (current.state === 'sending' ? { state: 'idle' } : current));
    }
  };

  const busy = phase.state === 'sending' || phase.state === 'waiting';
  const render = phase.state === 'waiting' || phase.state === 'done' ? phase.render : null;
  const curl = sent ? buildCurlCommand(sent, { baseUrl: window.location.origin }) : null;
  const noCredits = error instanceof ApiError && error.code === 'INSUFFICIENT_CREDITS';
  const sizeValue = parseExportSize(size);
  const price = sizeValue.ok ? renderPrice(mockup, sizeValue.value) : null;

  return (
    <div className="stack">
      <h1 id="page-title" tabIndex={-1}>
        Try {mockup.name}
      </h1>
      <div className="try-grid">
        <div className="stack">
          <MockupPreview mockup={mockup} />
          <p className="small muted">
            <code>{mockup.uuid}</code> · {mockup.width} × {mockup.height}
          </p>
        </div>
        <form className="stack card" onSubmit={(event) => void submit(event)} noValidate>
          <h2>Your artwork</h2>
          {mockup.smart_objects.map((object) => (
            <div key={object.uuid} className="field">
              <label className="field">
                {`Artwork for ${object.name}`}
                {object.required ? '' : ' (optional)'}
                <input
                  type="file"
                  accept="image/png,image/jpeg,image/webp,image/avif,image/gif"
                  required={object.required}
                  onChange={(event) => {
                    const file = event.target.files?.[0];
                    setFiles((current) => ({ ...current, [object.uuid]: file }));
                  }}
                  aria-describedby={`artwork-hint-${object.uuid}`}
                />
              </label>
              <span className="hint" id={`artwork-hint-${object.uuid}`}>
                {object.size.width} × {object.size.height} px area
                {files[object.uuid] ? ` · ${formatBytes(files[object.uuid]?.size ?? 0)}` : ''}
              </span>
              {object.color && (
                <label className="field color-field">
                  {`Product colour for ${object.name}`}
                  <input
                    type="color"
                    value={colors[object.uuid] ?? object.color.default}
                    list={object.color.allowed ? `colors-${object.uuid}` : undefined}
                    onChange={(event) => {
                      const value = event.target.value;
                      setColors((current) => ({ ...current, [object.uuid]: value }));
                    }}
                  />
                  {object.color.allowed && (
                    <datalist id={`colors-${object.uuid}`}>
                      {object.color.allowed.map((hex) => (
                        <option key={hex} value={hex} />
                      ))}
                    </datalist>
                  )}
                  <span className="hint">
                    <code>{colors[object.uuid] ?? object.color.default}</code>
                    {object.color.allowed ? ` · offered: ${object.color.allowed.length} colours` : ''}
                  </span>
                </label>
              )}
            </div>
          ))}
          <div className="field-row">
            <label className="field">
              Fit
              <select value={fit} onChange={(event) => setFit(event.target.value as FitMode)}>
                {FIT_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {mode}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Format
              <select value={format} onChange={(event) => setFormat(event.target.value as ExportFormat)}>
                {EXPORT_FORMATS.map((value) => (
                  <option key={value} value={value}>
                    {value.toUpperCase()}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Size (px, optional)
              <input
                type="number"
                inputMode="numeric"
                min={EXPORT_SIZE.min}
                max={EXPORT_SIZE.max}
                placeholder={String(Math.max(mockup.width, mockup.height))}
                value={size}
                onChange={(event) => setSize(event.target.value)}
                aria-describedby="size-price"
              />
              <span className="hint" id="size-price" aria-live="polite">
                {price
                  ? `${price.width} × ${price.height} px · ${creditsLabel(price.credits)}` +
                    (price.enlarged ? ' · larger than the template: no extra detail' : '')
                  : `${EXPORT_SIZE.min}–${EXPORT_SIZE.max} px`}
              </span>
            </label>
          </div>
          <ErrorMessage error={error} />
          {noCredits && (
            <p className="small">
              See <Link to={routePath('credits')}>Credits</Link> for your balance.
            </p>
          )}
          <div className="actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {phase.state === 'sending' ? 'Uploading…' : phase.state === 'waiting' ? 'Rendering…' : 'Render'}
            </button>
          </div>
          <p className="small muted">
            {price
              ? `This render costs ${creditsLabel(price.credits)}: 1 per started 4 output megapixels.`
              : 'A render costs 1 credit per started 4 output megapixels.'}
          </p>
        </form>
      </div>

      {render && (
        <div className="card stack" aria-live="polite">
          <h2>Result</h2>
          <p>
            Render <Link to={routePath('renders', render.uuid)}>{shortId(render.uuid)}</Link>{' '}
            <StatusBadge status={render.status} />{' '}
            {render.completed_at && formatDuration(durationBetween(render.started_at, render.completed_at))}
          </p>
          {render.error && (
            <p role="alert" className="error">
              {render.error.code}: {render.error.message}
            </p>
          )}
          {render.result && (
            <figure className="full-image">
              <img src={render.result.url} alt={`Result: ${mockup.name} with your artwork`} />
              <figcaption>
                {render.result.width} × {render.result.height} {render.result.format.toUpperCase()},{' '}
                {formatBytes(render.result.bytes)} ·{' '}
                <a href={render.result.url} target="_blank" rel="noreferrer">
                  Open full size
                </a>
              </figcaption>
            </figure>
          )}
          {render.result && render.result.warnings.length > 0 && (
            <ul className="warning render-warnings" aria-label="Render warnings">
              {render.result.warnings.map((warning, index) => (
                <li key={`${warning.code}-${index}`}>{warning.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {curl && (
        <div className="card stack">
          <div className="page-head">
            <h2>The same with curl</h2>
            <CopyButton text={curl} label="Copy command" />
          </div>
          <p className="small muted">
            Set <code>PLATEN_API_KEY</code> to one of your keys and put your artwork at a URL the server can
            fetch (or send it in <code>asset.data</code>, as base64 or as a{' '}
            <code>data:image/png;base64,…</code> URI).
          </p>
          <pre className="code" aria-label="curl command" tabIndex={0}>
            {curl}
          </pre>
        </div>
      )}
    </div>
  );
}
