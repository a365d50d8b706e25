// `npm run test:n8n`: the example workflows of examples/n8n, as a user gets them, imported into a real
// n8n with its CLI and run against a real Platen (`npm start`'s launcher on a fresh DATA_DIR):
//   1 "Render and wait" downloads a real image of the rendered size;
//   2 "Render with callback" receives Platen's signed render.succeeded, verifies it and routes it,
//     and turns away forged deliveries with 401;
//   3 "Batch from a list" makes one render per item, waits out a 429 and makes no duplicates when run
//     again with the same idempotency keys. The 429 is real: the run's key is limited to 3 requests a
//     minute (a per-key override, set through the key-service's internal API), and the run makes 4 at
//     once (the mockup, then 3 renders). The second run uses another key of the same account, as
//     idempotency keys belong to the account, so it need not wait out that minute again.
// Then the same with the Platen community node (packages/n8n-nodes-platen), installed into n8n's
// nodes folder from its npm tarball: a workflow running every operation of the "Platen" node (the
// rendered image and a batch's ZIP arriving as binary data), examples 4-6, the "Platen Trigger" registering its endpoint
// on activation, firing on Platen's real render.succeeded and mockup.ready, answering 401 to forged
// or stale deliveries without a run, and deleting its endpoint on deactivation; the credential test and
// the dropdowns through the editor's REST API; its batch meets a real 429 and waits it out.
// n8n is installed from npm into $TMPDIR/platen-n8n (reused later; minutes when cold). Needs the build
// (`npm run build`). Progress on stderr; the last stdout line is a one-line summary; exit 1 on failure.
import { Buffer } from 'node:buffer';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { testDeliveries } from './deliveries.mjs';
import { imageSize } from './image-size.mjs';
import { ensureN8n, N8N_VERSION } from './install-n8n.mjs';
import { createN8n, itemsOf } from './n8n-instance.mjs';
import { startPlaten } from './platen-stack.mjs';
import { poll } from './poll.mjs';
import { createProcessRegistry, tailOf } from './processes.mjs';
import { installPlatenNode, writePlatenCredentialFile } from './community-node.mjs';
import { checkVerifierCode } from './verifier-check.mjs';
import {
  baseUrlOf,
  loadWorkflow,
  nodeNamed,
  platenCredentialOf,
  withBaseUrl,
  writeCredentialFile,
} from './workflow-files.mjs';
const { fetch, AbortSignal, structuredClone } = globalThis;

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(REPO_ROOT, 'examples', 'n8n');
const FILES = {
  wait: '1-render-and-wait.json',
  callback: '2-render-with-callback.json',
  batch: '3-batch-from-a-list.json',
};
const NODE_FILES = {
  wait: '4-node-render-and-wait.json',
  trigger: '5-node-trigger-on-render-events.json',
  batch: '6-node-batch-from-a-list.json',
};
const NODE_OPERATIONS = join(REPO_ROOT, 'test', 'n8n', 'workflows', 'platen-node-operations.json');
const UPLOAD_PSD = join(REPO_ROOT, 'test', 'fixtures', 'psd', 'corpus', 'ag-psd_smart-object-png.psd');
const PLATEN_NODE = 'n8n-nodes-platen.platen';
const PLATEN_TRIGGER = 'n8n-nodes-platen.platenTrigger';
const TRIGGER_EVENTS = ['mockup.ready', 'render.failed', 'render.succeeded'];
const POSTER_MOCKUP = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01';
const POSTER_SMART_OBJECT = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11';
const TABLET_MOCKUP = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e03';
const WEBHOOK_PATH = 'webhook/platen-render';
const BATCH_PER_MINUTE = 3;
const DELIVERY_MS = 120_000;
const RENDERS_MS = 120_000;
const EXECUTION_RECORD_MS = 30_000;
const PLATEN_STOP_MS = 60_000;

const startedAt = Date.now();
const seconds = (ms) => `${Math.round(ms / 1000)} s`;
const log = (line) => process.stderr.write(`[test:n8n +${seconds(Date.now() - startedAt)}] ${line}\n`);

let passed = 0;
let currentStep = 'setup';
function check(condition, what) {
  if (!condition) throw new Error(`expected ${what}`);
  passed += 1;
  log(`  ok ${what}`);
}

async function step(name, body) {
  currentStep = name;
  log(name);
  return body();
}

const processes = createProcessRegistry({ log });
const tempDirs = [];
let platen;
let cleanedUp = false;

async function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (platen) await platen.launcher.stop(PLATEN_STOP_MS);
  await processes.stopAll();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void cleanUp().finally(() => {
      process.stdout.write(`test:n8n: INTERRUPTED in "${currentStep}" (${passed} checks passed)\n`);
      process.exit(1);
    });
  });
}

function newTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

async function main() {
  const workflows = Object.fromEntries(
    Object.entries(FILES).map(([key, file]) => [key, loadWorkflow(EXAMPLES, file)]),
  );
  const nodeWorkflows = Object.fromEntries(
    Object.entries(NODE_FILES).map(([key, file]) => [key, loadWorkflow(EXAMPLES, file)]),
  );
  const operationsWorkflow = JSON.parse(readFileSync(NODE_OPERATIONS, 'utf8'));

  await step('the workflow files', async () => {
    for (const workflow of Object.values(workflows)) {
      check(
        baseUrlOf(workflow) === 'http://localhost:8080',
        `"${workflow.name}" has base_url (http://localhost:8080) in its Platen settings node`,
      );
      check(
        platenCredentialOf(workflow).name === 'Platen API key',
        `"${workflow.name}" calls Platen with one Header Auth credential`,
      );
    }
    const credentialIds = new Set(
      Object.values(workflows).map((workflow) => platenCredentialOf(workflow).id),
    );
    check(credentialIds.size === 1, 'all three workflows use the same Platen credential');
    const receiver = nodeNamed(workflows.callback, 'Receive Platen webhook').parameters;
    check(receiver.options?.rawBody === true, 'the callback Webhook node keeps the raw body');
    check(
      receiver.path === WEBHOOK_PATH.split('/')[1],
      `the callback Webhook node listens on /${WEBHOOK_PATH}`,
    );
    const cases = await checkVerifierCode(
      nodeNamed(workflows.callback, 'Verify signature').parameters.jsCode,
    );
    check(
      cases > 0,
      `the Verify signature Code node agrees with standardwebhooks on ${cases} genuine and ${cases * 3} forged messages`,
    );
    const headers = nodeNamed(workflows.batch, 'Submit render').parameters.headerParameters.parameters;
    check(
      headers.some((header) => header.name === 'Idempotency-Key'),
      'the batch workflow sends an Idempotency-Key',
    );
  });

  const nodeCredentialRef = await step('the Platen node workflow files', async () => {
    const all = [...Object.values(nodeWorkflows), operationsWorkflow];
    const refs = all.flatMap((workflow) =>
      workflow.nodes
        .filter((node) => node.type === PLATEN_NODE || node.type === PLATEN_TRIGGER)
        .map((node) => node.credentials?.platenApi),
    );
    check(
      refs.length > 0 && refs.every((ref) => ref?.id === refs[0].id && ref.name === 'Platen account'),
      `every Platen node of ${all.length} workflows uses the one "Platen account" credential`,
    );
    check(
      Object.values(nodeWorkflows).every((workflow) =>
        workflow.nodes.every((node) => node.type !== 'n8n-nodes-base.httpRequest'),
      ),
      'the node examples call Platen through the Platen node only',
    );
    const trigger = nodeWorkflows.trigger.nodes.find((node) => node.type === PLATEN_TRIGGER);
    check(
      JSON.stringify([...trigger.parameters.events].sort()) === JSON.stringify(TRIGGER_EVENTS),
      `the trigger example listens for ${TRIGGER_EVENTS.join(', ')}`,
    );
    return refs[0];
  });

  // Under the temp folder: as root, the embedded Postgres runs as `postgres` and must reach it.
  platen = await startPlaten({ repoRoot: REPO_ROOT, dataDir: newTempDir('platen-n8n-data-'), processes });
  const install = await step(`n8n ${N8N_VERSION} from npm`, async () => {
    const t0 = Date.now();
    const result = await ensureN8n({ cacheRoot: join(tmpdir(), 'platen-n8n'), processes, log });
    log(result.installed ? `  installed in ${seconds(Date.now() - t0)}` : `  reused ${result.dir}`);
    return { ...result, ms: Date.now() - t0 };
  });

  const keys = await step('Platen: ready, accounts and keys', async () => {
    await platen.ready();
    await platen.cli('account', 'create', '--email', 'n8n@example.com', '--credits', '20');
    const main = (await platen.cli('key', 'create', '--account', 'n8n@example.com', '--name', 'n8n')).key;
    const batchAccount = await platen.cli(
      'account',
      'create',
      '--email',
      'n8n-batch@example.com',
      '--credits',
      '20',
    );
    const batchOther = (
      await platen.cli('key', 'create', '--account', 'n8n-batch@example.com', '--name', 'other')
    ).key;
    const batch = await platen.createLimitedKey(batchAccount.id, 'n8n batch', {
      per_minute: BATCH_PER_MINUTE,
    });
    // The node's batch gets an account of its own: idempotency keys belong to the account.
    const nodeBatchAccount = await platen.cli(
      'account',
      'create',
      '--email',
      'n8n-node-batch@example.com',
      '--credits',
      '20',
    );
    const nodeBatch = await platen.createLimitedKey(nodeBatchAccount.id, 'n8n node batch', {
      per_minute: BATCH_PER_MINUTE,
    });
    const nodeBatchOther = (
      await platen.cli('key', 'create', '--account', 'n8n-node-batch@example.com', '--name', 'other')
    ).key;
    return { main, batch, batchOther, nodeBatch, nodeBatchOther };
  });

  const userFolder = newTempDir('platen-n8n-user-');
  const importDir = newTempDir('platen-n8n-import-');
  mkdirSync(join(importDir, 'workflows'));
  const n8n = await createN8n({ installDir: install.dir, userFolder, processes });
  const credentialRef = platenCredentialOf(workflows.wait);
  const credentialFile = join(importDir, 'credential.json');
  const nodeCredentialFile = join(importDir, 'platen-node-credential.json');
  const writeNodeCredential = (apiKey) =>
    writePlatenCredentialFile(nodeCredentialFile, nodeCredentialRef, { apiKey, baseUrl: platen.baseUrl });

  await step('the Platen node: installed into n8n as a community package', async () => {
    const { tarball, files } = await installPlatenNode({
      repoRoot: REPO_ROOT,
      userFolder,
      packDir: newTempDir('platen-n8n-pack-'),
      processes,
    });
    check(
      files.includes('dist/nodes/Platen/Platen.node.js') &&
        files.includes('dist/nodes/PlatenTrigger/PlatenTrigger.node.js') &&
        files.includes('dist/credentials/PlatenApi.credentials.js') &&
        files.every((file) => !file.startsWith('src/') && !file.startsWith('test/')),
      `${tarball} holds the built nodes and credential, no sources or tests`,
    );
  });

  await step('import the workflows and the credential with the n8n CLI', async () => {
    for (const [key, workflow] of Object.entries(workflows)) {
      writeFileSync(
        join(importDir, 'workflows', FILES[key]),
        JSON.stringify(withBaseUrl(workflow, platen.baseUrl)),
      );
    }
    writeCredentialFile(credentialFile, credentialRef, keys.main);
    await n8n.cli(['import:credentials', `--input=${credentialFile}`]);
    await n8n.cli(['import:workflow', '--separate', `--input=${join(importDir, 'workflows')}`]);
    await n8n.cli(['update:workflow', `--id=${workflows.callback.id}`, '--active=true']);
    check(true, 'n8n imported 3 workflows and the Header Auth credential');

    mkdirSync(join(importDir, 'node-workflows'));
    for (const [key, workflow] of Object.entries(nodeWorkflows)) {
      writeFileSync(join(importDir, 'node-workflows', NODE_FILES[key]), JSON.stringify(workflow));
    }
    const operations = structuredClone(operationsWorkflow);
    operations.nodes.find((node) => node.name === 'Read PSD').parameters.fileSelector = UPLOAD_PSD;
    writeFileSync(join(importDir, 'node-workflows', 'operations.json'), JSON.stringify(operations));
    writeNodeCredential(keys.main);
    await n8n.cli(['import:credentials', `--input=${nodeCredentialFile}`]);
    await n8n.cli(['import:workflow', '--separate', `--input=${join(importDir, 'node-workflows')}`]);
    await n8n.cli(['update:workflow', `--id=${nodeWorkflows.trigger.id}`, '--active=true']);
    check(true, 'n8n imported the 4 Platen node workflows and the Platen API credential');
  });

  await step('workflow 1: render and wait', async () => {
    const runData = await n8n.execute(workflows.wait.id);
    const rendered = [...itemsOf(runData, 'Render (wait up to 60 s)'), ...itemsOf(runData, 'Get render')]
      .map((item) => item.json.data)
      .find((render) => render?.status === 'succeeded');
    check(rendered?.result, 'the render succeeded');
    const image = itemsOf(runData, 'Download image')[0]?.binary?.image;
    check(image?.data, 'the Download image node holds the file');
    const bytes = Buffer.from(image.data, 'base64');
    const size = imageSize(bytes);
    check(size.format === rendered.result.format, `a ${rendered.result.format} arrived (got ${size.format})`);
    check(
      size.width === rendered.result.width && size.height === rendered.result.height,
      `it is ${rendered.result.width}×${rendered.result.height} (got ${size.width}×${size.height})`,
    );
    check(
      bytes.length === rendered.result.bytes,
      `all ${rendered.result.bytes} bytes arrived (got ${bytes.length})`,
    );
  });

  await step('workflow 2: render with callback', async () => {
    const server = await n8n.startServer();
    const runData = await n8n.execute(workflows.callback.id);
    const submitted = itemsOf(runData, 'Submit render')[0]?.json?.data;
    const callbackUrl = `${n8n.webhookBase}${WEBHOOK_PATH}`;
    check(
      submitted?.webhook?.url === callbackUrl,
      `the render was submitted with webhook_url ${callbackUrl}`,
    );

    const delivered = await poll(
      async () => {
        const { body } = await platen.api(keys.main, `/api/v1/renders/${submitted.uuid}`);
        if (body.data.status === 'failed' || body.data.webhook?.status === 'failed') {
          throw Object.assign(new Error(`render or delivery failed: ${JSON.stringify(body.data)}`), {
            fatal: true,
          });
        }
        return body.data.webhook?.status === 'delivered' ? body.data : undefined;
      },
      { timeoutMs: DELIVERY_MS, what: `Platen to deliver render ${submitted.uuid} to n8n` },
    );
    check(delivered.status === 'succeeded', 'Platen rendered and n8n acknowledged the delivery with a 2xx');

    const received = await poll(
      async () =>
        (await n8n.executions(workflows.callback.id)).find(
          (execution) =>
            itemsOf(execution.runData, 'Verify signature')[0]?.json?.render?.uuid === submitted.uuid,
        ),
      { timeoutMs: EXECUTION_RECORD_MS, what: 'the n8n execution of the delivery' },
    );
    const verdict = itemsOf(received.runData, 'Verify signature')[0].json;
    check(
      verdict.verified === true && verdict.type === 'render.succeeded',
      'the receiving branch verified a render.succeeded',
    );
    check(
      itemsOf(received.runData, 'Render succeeded')[0]?.json?.render_uuid === submitted.uuid,
      `it was routed to "Render succeeded" with render ${submitted.uuid}`,
    );

    const { body: secretBody } = await platen.api(keys.main, '/api/v1/webhooks/secret');
    const deliveries = testDeliveries(secretBody.data.secret);
    for (const delivery of deliveries) {
      const response = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...delivery.headers },
        body: delivery.body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.body?.cancel();
      const expected = delivery.expect === 'accepted' ? 204 : 401;
      check(
        response.status === expected,
        `n8n answers ${expected} to a ${delivery.name} delivery (got ${response.status})`,
      );
    }
    const byId = await poll(
      async () => {
        const found = new Map(
          (await n8n.executions(workflows.callback.id)).map((execution) => [
            itemsOf(execution.runData, 'Verify signature')[0]?.json?.webhook_id,
            execution,
          ]),
        );
        return deliveries.every((delivery) => found.has(delivery.id)) ? found : undefined;
      },
      { timeoutMs: EXECUTION_RECORD_MS, what: 'the n8n executions of the test deliveries' },
    );
    for (const delivery of deliveries) {
      const ran = (node) => byId.get(delivery.id).runData[node] !== undefined;
      if (delivery.expect === 'accepted') {
        check(
          ran('Render failed') && !ran('Reject (401)'),
          `the ${delivery.name} delivery was routed to "Render failed"`,
        );
      } else {
        check(
          ran('Reject (401)') && !ran('Event type'),
          `the ${delivery.name} delivery went to the rejection branch only`,
        );
      }
    }
    await server.stop();
  });

  await step('workflow 3: batch from a list', async () => {
    writeCredentialFile(credentialFile, credentialRef, keys.batch);
    await n8n.cli(['import:credentials', `--input=${credentialFile}`]);
    const first = await n8n.execute(workflows.batch.id);
    const limited = itemsOf(first, 'Wait for Retry-After');
    check(
      limited.length > 0 &&
        limited.every((item) => item.json.statusCode === 429 && Number(item.json.headers['retry-after']) > 0),
      'the batch met 429 with Retry-After and waited',
    );
    const renders = (runData) =>
      new Map(itemsOf(runData, 'Renders').map((item) => [item.json.item_id, item.json.render_uuid]));
    const firstRenders = renders(first);
    check(
      firstRenders.size === 3 &&
        new Set(firstRenders.values()).size === 3 &&
        itemsOf(first, 'Renders').length === 3,
      `one render per item (got ${JSON.stringify([...firstRenders])})`,
    );
    check(first['Refused'] === undefined, 'no item was refused');

    // The same account, another key: the limited key's minute need not run out first.
    writeCredentialFile(credentialFile, credentialRef, keys.batchOther);
    await n8n.cli(['import:credentials', `--input=${credentialFile}`]);
    const again = renders(await n8n.execute(workflows.batch.id));
    check(
      [...firstRenders].every(([item, uuid]) => again.get(item) === uuid) && again.size === 3,
      'running it again returns the same renders, not new ones (same Idempotency-Key)',
    );
    const listed = await poll(
      async () => {
        const { body } = await platen.api(keys.batchOther, '/api/v1/renders?limit=100');
        return body.data.every((render) => render.status === 'succeeded') ? body.data : undefined;
      },
      { timeoutMs: RENDERS_MS, what: 'the batch renders to finish' },
    );
    check(
      listed.length === 3 && listed.every((render) => [...firstRenders.values()].includes(render.uuid)),
      `the account has exactly the 3 renders, all succeeded (got ${listed.length})`,
    );
  });

  const triggerNode = nodeWorkflows.trigger.nodes.find((node) => node.type === PLATEN_TRIGGER);
  const triggerUrl = `${n8n.webhookBase}webhook/${triggerNode.webhookId}/webhook`;
  const checkImage = (item, property, what) => {
    const render = item?.json;
    check(render?.status === 'succeeded' && render.result, `${what}: the render succeeded`);
    const image = item.binary?.[property];
    check(image?.data, `${what}: the image arrived as binary data in "${property}"`);
    const bytes = Buffer.from(image.data, 'base64');
    const size = imageSize(bytes);
    check(
      size.format === render.result.format &&
        size.width === render.result.width &&
        size.height === render.result.height &&
        bytes.length === render.result.bytes,
      `${what}: a ${render.result.width}×${render.result.height} ${render.result.format} of ${render.result.bytes} bytes ` +
        `(got ${size.width}×${size.height} ${size.format}, ${bytes.length} bytes)`,
    );
    return bytes;
  };
  const triggerRuns = async (matches) =>
    (await n8n.executions(nodeWorkflows.trigger.id)).filter((execution) =>
      matches(itemsOf(execution.runData, 'Platen Trigger')[0]?.json ?? {}),
    );

  await step('the Platen node: every operation, examples 4 and 5, and the Platen Trigger', async () => {
    const server = await n8n.startServer();
    const { body: endpoints } = await platen.api(keys.main, '/api/v1/webhooks');
    check(
      endpoints.data.length === 1 &&
        endpoints.data[0].url === triggerUrl &&
        JSON.stringify([...endpoints.data[0].events].sort()) === JSON.stringify(TRIGGER_EVENTS),
      `the active Platen Trigger has one endpoint in Platen, at ${triggerUrl}, for its events ` +
        `(got ${JSON.stringify(endpoints.data.map(({ url, events }) => ({ url, events })))})`,
    );

    // What the editor asks for: the credential's Test button and the node's dropdowns.
    const rest = await n8n.ownerSession();
    const testCredential = async (apiKey) => {
      const { status, body } = await rest('POST', 'credentials/test', {
        credentials: { ...nodeCredentialRef, type: 'platenApi', data: { apiKey, baseUrl: platen.baseUrl } },
      });
      return status === 200 ? JSON.parse(body).data : { status, body };
    };
    const tested = await testCredential(keys.main);
    check(tested.status === 'OK', `the credential test passes with the key (got ${JSON.stringify(tested)})`);
    const refused = await testCredential(`${keys.main.slice(0, -4)}AAAA`);
    check(
      refused.status === 'Error',
      `the credential test fails with a mistyped key (got ${JSON.stringify(refused)})`,
    );
    const dropdown = async (methodName, path, currentNodeParameters) => {
      const { status, body } = await rest('POST', 'dynamic-node-parameters/options', {
        path,
        methodName,
        nodeTypeAndVersion: { name: PLATEN_NODE, version: 1 },
        currentNodeParameters: { resource: 'render', operation: 'create', ...currentNodeParameters },
        credentials: { platenApi: nodeCredentialRef },
      });
      if (status !== 200) throw new Error(`${methodName} answered ${status}: ${body.slice(0, 500)}`);
      return JSON.parse(body).data;
    };
    const mockupOptions = await dropdown('getMockups', 'parameters.mockupUuid', { mockupUuid: '' });
    check(
      mockupOptions.some(
        (option) => option.value === POSTER_MOCKUP && option.name === 'Framed poster on a wall',
      ) && mockupOptions.length >= 4,
      `the Mockup dropdown lists the mockups by name (got ${mockupOptions.map((option) => option.name).join(', ')})`,
    );
    const batchMockupOptions = await dropdown('getMockups', 'parameters.mockupUuids', {
      resource: 'batch',
      mode: 'crossProduct',
      mockupUuids: [],
    });
    check(
      JSON.stringify(batchMockupOptions) === JSON.stringify(mockupOptions),
      'the Batch multi-select lists the same mockups by name',
    );
    const smartObjectOptions = await dropdown(
      'getSmartObjects',
      'parameters.smartObjects.smartObject[0].uuid',
      {
        mockupUuid: POSTER_MOCKUP,
        smartObjects: { smartObject: [{ uuid: '' }] },
      },
    );
    check(
      smartObjectOptions.length === 1 &&
        smartObjectOptions[0].value === POSTER_SMART_OBJECT &&
        smartObjectOptions[0].name === 'Poster',
      `the Smart Object dropdown lists the chosen mockup's smart objects (got ${JSON.stringify(smartObjectOptions)})`,
    );

    const ops = await n8n.execute(operationsWorkflow.id);
    const slugs = itemsOf(ops, 'List mockups').map((item) => item.json.slug);
    check(
      ['poster-on-wall', 't-shirt', 'tablet-at-angle', 'mug'].every((slug) => slugs.includes(slug)),
      `Mockup → Get Many (Return All) lists the built-in mockups (got ${slugs.join(', ')})`,
    );
    check(itemsOf(ops, 'First 2 mockups').length === 2, 'Mockup → Get Many with Limit 2 returns 2');
    const mockup = itemsOf(ops, 'Get mockup')[0]?.json;
    check(
      mockup?.uuid === POSTER_MOCKUP &&
        mockup.smart_objects.some((smartObject) => smartObject.uuid === POSTER_SMART_OBJECT),
      'Mockup → Get returns the poster with its smart object',
    );
    const uploaded = itemsOf(ops, 'Upload PSD')[0]?.json;
    check(
      uploaded?.status === 'ready' &&
        uploaded.name === 'Uploaded from n8n' &&
        uploaded.built_in === false &&
        uploaded.smart_objects.length > 0,
      `Mockup → Upload PSD imported the PSD from binary data (got ${uploaded?.status} ${JSON.stringify(uploaded?.error)})`,
    );
    const rendered = itemsOf(ops, 'Render')[0];
    const bytes = checkImage(rendered, 'image', 'Render → Create with Wait for Result');
    check(rendered.json.metadata?.from === 'n8n node', 'the render carries the metadata set in the node');
    const again = itemsOf(ops, 'Get render')[0];
    check(
      again?.json.uuid === rendered.json.uuid &&
        Buffer.from(again.binary?.again?.data ?? '', 'base64').equals(bytes),
      'Render → Get with Download Image returns the same render and the same image',
    );
    const listed = itemsOf(ops, 'List renders').map((item) => item.json);
    check(
      listed.some((render) => render.uuid === rendered.json.uuid) &&
        listed.every((render) => render.status === 'succeeded'),
      'Render → Get Many filtered on succeeded lists the render',
    );

    const zipEntries = (bytes) => {
      // The end-of-central-directory record: its total entry count is at +10.
      const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
      return end < 0 ? -1 : bytes.readUInt16LE(end + 10);
    };
    const checkArchive = (item, property, batch, what) => {
      const archive = item?.binary?.[property];
      check(archive?.data, `${what}: the archive arrived as binary data in "${property}"`);
      const bytes = Buffer.from(archive.data, 'base64');
      check(
        bytes.subarray(0, 2).toString('latin1') === 'PK' &&
          archive.mimeType === 'application/zip' &&
          archive.fileName === `batch-${batch.uuid}.zip`,
        `${what}: it is a ZIP (first bytes ${JSON.stringify(bytes.subarray(0, 2).toString('latin1'))}, ` +
          `${archive.mimeType}, ${archive.fileName})`,
      );
      check(
        zipEntries(bytes) === 3 && bytes.includes(Buffer.from('manifest.json')),
        `${what}: it holds the 2 images and manifest.json (got ${zipEntries(bytes)} entries)`,
      );
    };
    const created = itemsOf(ops, 'Create batch')[0];
    const batch = created?.json;
    check(
      batch?.status === 'finished' &&
        batch.counts.total === 2 &&
        batch.counts.succeeded === 2 &&
        JSON.stringify(batch.renders.map((render) => render.mockup_uuid)) ===
          JSON.stringify([POSTER_MOCKUP, TABLET_MOCKUP]) &&
        batch.renders.every((render) => render.export_label === 'sample'),
      `Batch → Create (2 mockups × 1 artwork from binary data, Wait for Result) returns the finished batch ` +
        `of 2 succeeded renders (got ${batch?.status} ${JSON.stringify(batch?.counts)})`,
    );
    check(batch.metadata?.from === 'n8n node batch', 'the batch carries the metadata set in the node');
    checkArchive(created, 'archive', batch, 'Batch → Create with Download Archive');
    const fetched = itemsOf(ops, 'Get batch')[0];
    check(fetched?.json.uuid === batch.uuid, 'Batch → Get returns the same batch');
    checkArchive(fetched, 'zip', batch, 'Batch → Get with Download Archive');
    check(
      itemsOf(ops, 'List batches').some((item) => item.json.uuid === batch.uuid),
      'Batch → Get Many lists the batch',
    );

    checkImage(itemsOf(await n8n.execute(nodeWorkflows.wait.id), 'Render')[0], 'image', 'example 4');

    const submitted = itemsOf(await n8n.execute(nodeWorkflows.trigger.id), 'Submit render')[0]?.json;
    check(
      submitted?.uuid && submitted.result === null,
      `example 5 queued render ${submitted?.uuid} without waiting`,
    );
    const [fired] = await poll(
      async () => {
        const runs = await triggerRuns(
          (event) => event.type === 'render.succeeded' && event.data?.uuid === submitted.uuid,
        );
        return runs.length > 0 ? runs : undefined;
      },
      { timeoutMs: DELIVERY_MS, what: `the Platen Trigger to fire on render.succeeded of ${submitted.uuid}` },
    );
    check(
      itemsOf(fired.runData, 'Render succeeded')[0]?.json?.render_uuid === submitted.uuid,
      `the Platen Trigger fired on Platen's render.succeeded of ${submitted.uuid} and it was routed to "Render succeeded"`,
    );
    await poll(
      async () => {
        const runs = await triggerRuns(
          (event) => event.type === 'mockup.ready' && event.data?.uuid === uploaded.uuid,
        );
        return runs.length > 0 ? runs : undefined;
      },
      { timeoutMs: DELIVERY_MS, what: `the Platen Trigger to fire on mockup.ready of ${uploaded.uuid}` },
    );
    check(true, `the Platen Trigger fired on mockup.ready of the uploaded mockup ${uploaded.uuid}`);

    const secret = (await n8n.staticData(nodeWorkflows.trigger.id))['node:Platen Trigger']?.webhookSecret;
    check(
      typeof secret === 'string' && secret.startsWith('whsec_'),
      'the trigger keeps its endpoint secret in static data',
    );
    const deliveries = testDeliveries(secret);
    for (const delivery of deliveries) {
      const response = await fetch(triggerUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...delivery.headers },
        body: delivery.body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.body?.cancel();
      const expected = delivery.expect === 'accepted' ? 200 : 401;
      check(
        response.status === expected,
        `the Platen Trigger answers ${expected} to a ${delivery.name} delivery (got ${response.status})`,
      );
    }
    const valid = deliveries.find((delivery) => delivery.expect === 'accepted');
    const [validRun] = await poll(
      async () => {
        const runs = await triggerRuns((event) => event.webhook_id === valid.id);
        return runs.length > 0 ? runs : undefined;
      },
      { timeoutMs: EXECUTION_RECORD_MS, what: 'the run of the valid test delivery' },
    );
    check(
      validRun.runData['Render failed'] !== undefined,
      'the valid render.failed delivery was routed to "Render failed"',
    );
    const forged = deliveries
      .filter((delivery) => delivery.expect !== 'accepted')
      .map((delivery) => delivery.id);
    check(
      (await triggerRuns((event) => forged.includes(event.webhook_id))).length === 0,
      `none of the ${forged.length} forged or stale deliveries started a run`,
    );

    // Deactivating, as the editor's toggle does, deletes the endpoint in Platen.
    const deactivated = await rest('POST', `workflows/${nodeWorkflows.trigger.id}/deactivate`);
    check(
      deactivated.status === 200,
      `n8n deactivated the trigger workflow (got ${deactivated.status} ${deactivated.body.slice(0, 300)})`,
    );
    const { body: after } = await platen.api(keys.main, '/api/v1/webhooks');
    check(after.data.length === 0, `deactivation deleted the endpoint in Platen (${after.data.length} left)`);
    const stale = await fetch(triggerUrl, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(30_000),
    });
    await stale.body?.cancel();
    check(stale.status === 404, `the inactive trigger's URL answers 404 (got ${stale.status})`);
    await server.stop();
  });

  await step('the Platen node: batch from a list (example 6)', async () => {
    const renders = (runData) =>
      new Map(
        itemsOf(runData, 'Render each item').map((item) => [item.json.metadata?.item_id, item.json.uuid]),
      );
    writeNodeCredential(keys.nodeBatch);
    await n8n.cli(['import:credentials', `--input=${nodeCredentialFile}`]);
    const first = renders(await n8n.execute(nodeWorkflows.batch.id));
    check(
      first.size === 4 && new Set(first.values()).size === 4,
      `one render for each of 4 items with a key limited to ${BATCH_PER_MINUTE} requests a minute: ` +
        `the node met 429 and waited out Retry-After (got ${JSON.stringify([...first])})`,
    );
    writeNodeCredential(keys.nodeBatchOther);
    await n8n.cli(['import:credentials', `--input=${nodeCredentialFile}`]);
    const again = renders(await n8n.execute(nodeWorkflows.batch.id));
    check(
      again.size === 4 && [...first].every(([item, uuid]) => again.get(item) === uuid),
      'running it again returns the same renders, not new ones (the same Idempotency-Key per item)',
    );
    const { body } = await platen.api(keys.nodeBatchOther, '/api/v1/renders?limit=100');
    check(
      body.data.length === 4 && body.data.every((render) => [...first.values()].includes(render.uuid)),
      `the account has exactly the 4 renders (got ${body.data.length})`,
    );
  });

  return install;
}

let exitCode = 0;
let summary;
try {
  const install = await main();
  const how = install.installed ? `installed in ${seconds(install.ms)}` : 'cached';
  summary = `test:n8n: passed ${passed} checks (n8n ${N8N_VERSION} ${how}; total ${seconds(Date.now() - startedAt)})`;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`\n${error.stack ?? error}\n\n`);
  if (platen) process.stderr.write(`Platen's last output:\n${tailOf(platen.launcher, 4_000)}\n\n`);
  const reason = String(error.message ?? error).split('\n')[0];
  summary = `test:n8n: FAILED in "${currentStep}": ${reason} (${passed} checks passed; total ${seconds(Date.now() - startedAt)})`;
} finally {
  await cleanUp();
}
process.stdout.write(`${summary}\n`);
process.exit(exitCode);
