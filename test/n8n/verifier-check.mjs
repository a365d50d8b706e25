// The "Verify signature" Code node of the callback workflow, run outside n8n against the published
// `standardwebhooks` signer over many random secrets and bodies (multi-byte text, lengths around the
// SHA-256 block size): it must accept every genuine signature and refuse every altered message.
// Fast, so a broken verifier fails in a second rather than after the n8n install.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const CASES = 200;

const AsyncFunction = (async () => {}).constructor;

async function runCodeNode(jsCode, { headers, rawBody, body }, secret) {
  const delivery = {
    json: { headers, body },
    binary: { data: { data: Buffer.from(rawBody).toString('base64') } },
  };
  // n8n runs the code as the body of an async function with `$` and `$input` in scope.
  const run = new AsyncFunction('$', '$input', jsCode);
  const items = await run(() => ({ first: () => delivery }), {
    first: () => ({ json: { data: { secret } } }),
  });
  return items[0].json;
}

export async function checkVerifierCode(jsCode) {
  for (let n = 0; n < CASES; n++) {
    const secret = `whsec_${randomBytes(16 + (n % 48)).toString('base64')}`;
    const rawBody = JSON.stringify({
      type: 'render.succeeded',
      data: { uuid: `r-${n}`, note: 'é✓😀'.repeat(n % 5), pad: 'x'.repeat((n * 7) % 130) },
    });
    const id = `msg_${n}`;
    const timestamp = new Date();
    const signature = new Webhook(secret).sign(id, timestamp, rawBody);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      // Several entries, as during a secret rotation: one matching is enough.
      'webhook-signature': `v1,${randomBytes(32).toString('base64')} ${signature}`,
    };
    const body = JSON.parse(rawBody);
    const genuine = await runCodeNode(jsCode, { headers, rawBody, body }, secret);
    if (!genuine.verified || genuine.type !== 'render.succeeded' || genuine.render?.uuid !== `r-${n}`) {
      throw new Error(`refused a genuine delivery (case ${n}): ${genuine.reason}`);
    }
    const forgeries = [
      { headers, rawBody: `${rawBody} `, body },
      { headers: { ...headers, 'webhook-id': `${id}x` }, rawBody, body },
      { headers, rawBody, body, secret: `whsec_${randomBytes(24).toString('base64')}` },
    ];
    for (const forged of forgeries) {
      const verdict = await runCodeNode(jsCode, forged, forged.secret ?? secret);
      if (verdict.verified || verdict.render !== null)
        throw new Error(`accepted a forged delivery (case ${n})`);
    }
  }
  return CASES;
}
