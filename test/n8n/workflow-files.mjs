// The example workflows as a user gets them, and the only two edits a user makes: the base URL in the
// "Platen settings" node, and the Header Auth credential (X-API-KEY) the HTTP Request nodes use.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const { structuredClone } = globalThis;

export const SETTINGS_NODE = 'Platen settings';
const HEADER_AUTH = 'httpHeaderAuth';

export function loadWorkflow(examplesDir, file) {
  return JSON.parse(readFileSync(join(examplesDir, file), 'utf8'));
}

export function nodeNamed(workflow, name) {
  const node = workflow.nodes.find((candidate) => candidate.name === name);
  if (!node) throw new Error(`workflow "${workflow.name}" has no node "${name}"`);
  return node;
}

function settingOf(workflow, name) {
  const assignment = nodeNamed(workflow, SETTINGS_NODE).parameters.assignments?.assignments?.find(
    (candidate) => candidate.name === name,
  );
  if (!assignment) throw new Error(`"${SETTINGS_NODE}" of "${workflow.name}" has no "${name}"`);
  return assignment;
}

export function baseUrlOf(workflow) {
  return settingOf(workflow, 'base_url').value;
}

/** A copy with `base_url` filled in, exactly where the README tells the user to type it. */
export function withBaseUrl(workflow, baseUrl) {
  const copy = structuredClone(workflow);
  settingOf(copy, 'base_url').value = baseUrl;
  return copy;
}

/**
 * The credential every Platen API call authenticates with. Each HTTP Request node that calls
 * /api/v1 must use Header Auth with this one credential, so the user sets the key once.
 */
export function platenCredentialOf(workflow) {
  const calls = workflow.nodes.filter(
    (node) => node.type === 'n8n-nodes-base.httpRequest' && String(node.parameters.url).includes('/api/v1/'),
  );
  if (calls.length === 0) throw new Error(`"${workflow.name}" calls no /api/v1 route`);
  const refs = calls.map((node) => {
    const ref = node.credentials?.[HEADER_AUTH];
    if (node.parameters.genericAuthType !== HEADER_AUTH || !ref?.id) {
      throw new Error(
        `"${node.name}" in "${workflow.name}" does not authenticate with a Header Auth credential`,
      );
    }
    return ref;
  });
  if (new Set(refs.map((ref) => ref.id)).size !== 1) {
    throw new Error(`"${workflow.name}" uses more than one credential for Platen`);
  }
  return refs[0];
}

/** `n8n import:credentials` input: the Header Auth credential as the user fills it in. */
export function writeCredentialFile(path, ref, apiKey) {
  writeFileSync(
    path,
    JSON.stringify([
      { id: ref.id, name: ref.name, type: HEADER_AUTH, data: { name: 'X-API-KEY', value: apiKey } },
    ]),
  );
}
