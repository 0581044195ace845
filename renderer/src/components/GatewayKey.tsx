// The gateway's inbound key: masked by default; Reveal shows it and Copy key copies it, each fetching the plaintext
// from POST /admin/server/key/reveal at that moment (no GET view carries it). Rotate asks first.
import { useState } from 'preact/hooks';
import { api, errorText } from '../api.js';
import { copyText } from '../clipboard.js';
import { useAction } from '../hooks.js';
import { Busy, ErrorBox } from './ui.js';

const revealKey = async (): Promise<string> => (await api<{ key: string }>('/server/key/reveal', 'POST')).key;

export function GatewayKey(props: { keyMasked?: string; onKeyChange(): Promise<void> }) {
  const [shown, setShown] = useState<string>();
  const [copied, setCopied] = useState<string>();
  const [confirmRotate, setConfirmRotate] = useState(false);
  const reveal = useAction(async () => setShown(await revealKey()));
  const copy = useAction(async () => {
    setCopied(undefined);
    try {
      await copyText(await revealKey());
    } catch (err) {
      throw new Error(`could not copy: ${errorText(err)}`);
    }
    setCopied('Copied');
    setTimeout(() => setCopied(undefined), 2500);
  });
  const rotate = useAction(async () => {
    const r = await api<{ keyMasked: string }>('/server/rotate-key', 'POST');
    setShown(undefined);
    await props.onKeyChange();
    return r.keyMasked;
  });
  return (
    <div class="row key-row">
      <span class="field-label">Gateway key</span>
      <code data-testid={shown ? 'gateway-key-plain' : 'gateway-key-masked'}>{shown ?? props.keyMasked ?? 'none yet'}</code>
      {shown ? (
        <button type="button" class="btn small" onClick={() => setShown(undefined)}>
          Hide
        </button>
      ) : (
        <button type="button" class="btn small" disabled={reveal.busy || !props.keyMasked} onClick={() => void reveal.run()} data-testid="reveal-key">
          Reveal
        </button>
      )}
      <button type="button" class={`btn small ${copied ? 'copied' : ''}`} disabled={copy.busy || !props.keyMasked} onClick={() => void copy.run()} data-testid="copy-key">
        {copied ? '✓ Copied' : 'Copy key'}
      </button>
      {confirmRotate ? (
        <>
          <button
            type="button"
            class="btn small danger"
            disabled={rotate.busy}
            onClick={() => {
              setConfirmRotate(false);
              void rotate.run();
            }}
          >
            Confirm: the old key stops working
          </button>
          <button type="button" class="btn small" onClick={() => setConfirmRotate(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" class="btn small" disabled={rotate.busy} onClick={() => setConfirmRotate(true)}>
          Rotate key
        </button>
      )}
      {rotate.busy && <Busy label="Rotating…" />}
      {rotate.result && <span class="ok-text small">New key {rotate.result}: update LibreChat's .env.</span>}
      <ErrorBox title="Key problem" error={reveal.error ?? copy.error ?? rotate.error} />
    </div>
  );
}
