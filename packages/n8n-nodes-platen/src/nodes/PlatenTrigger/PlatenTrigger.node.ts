// The "Platen Trigger" node: while its workflow is active, one Platen webhook endpoint delivers the
// chosen events here. The endpoint's secret, returned once when it is registered, is kept in the node's
// static data; a delivery whose Standard Webhooks signature does not match it, or whose timestamp is
// more than 5 minutes off, is answered 401 and starts no workflow run.
import { NodeOperationError } from 'n8n-workflow';
import type {
  IDataObject,
  IHookFunctions,
  INodeType,
  INodeTypeDescription,
  IWebhookFunctions,
  IWebhookResponseData,
} from 'n8n-workflow';
import { platenClientFor } from '../../transport/n8n-client';
import { verifyDelivery } from '../../webhook/verify-signature';

interface EndpointData {
  webhookId?: string;
  webhookSecret?: string;
  webhookUrl?: string;
}

const EVENTS = ['render.succeeded', 'render.failed', 'mockup.ready', 'mockup.failed', 'batch.finished'];

function endpointData(context: IHookFunctions | IWebhookFunctions): EndpointData & IDataObject {
  return context.getWorkflowStaticData('node');
}

export class PlatenTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Platen Trigger',
    name: 'platenTrigger',
    icon: 'file:platen.svg',
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["events"].join(", ")}}',
    description: 'Starts the workflow when Platen signals a finished render, batch or mockup import',
    defaults: { name: 'Platen Trigger' },
    inputs: [],
    outputs: ['main'],
    credentials: [{ name: 'platenApi', required: true }],
    webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
    properties: [
      {
        displayName: 'Events',
        name: 'events',
        type: 'multiOptions',
        required: true,
        default: ['render.succeeded'],
        options: [
          {
            name: 'Batch Finished',
            value: 'batch.finished',
            description: 'Every render of a batch has succeeded or failed',
          },
          { name: 'Mockup Failed', value: 'mockup.failed', description: 'A PSD or manifest import failed' },
          { name: 'Mockup Ready', value: 'mockup.ready', description: 'A PSD or manifest import finished' },
          {
            name: 'Render Failed',
            value: 'render.failed',
            description: 'A render failed (its credits are refunded)',
          },
          {
            name: 'Render Succeeded',
            value: 'render.succeeded',
            description: 'A render finished with its image',
          },
        ],
      },
    ],
  };

  webhookMethods = {
    default: {
      /** The endpoint registered for this node still exists, at this node's URL. */
      async checkExists(this: IHookFunctions): Promise<boolean> {
        const data = endpointData(this);
        if (!data.webhookId) return false;
        const client = await platenClientFor(this);
        const endpoint = await client.getWebhook(data.webhookId);
        const url = this.getNodeWebhookUrl('default');
        if (endpoint && endpoint.url === url && !endpoint.disabled_at) return true;
        // Gone, moved or disabled by Platen: register a fresh one (and drop the stale one if any).
        if (endpoint) await client.deleteWebhook(data.webhookId);
        delete data.webhookId;
        delete data.webhookSecret;
        delete data.webhookUrl;
        return false;
      },

      async create(this: IHookFunctions): Promise<boolean> {
        const url = this.getNodeWebhookUrl('default');
        if (!url) throw new NodeOperationError(this.getNode(), 'n8n gave no webhook URL for this node');
        const events = (this.getNodeParameter('events') as string[]).filter((event) =>
          EVENTS.includes(event),
        );
        if (events.length === 0) throw new NodeOperationError(this.getNode(), 'Choose at least one event');
        const client = await platenClientFor(this);
        const endpoint = await client.createWebhook({
          url,
          events,
          description: `n8n workflow "${this.getWorkflow().name ?? this.getWorkflow().id ?? ''}"`.slice(
            0,
            200,
          ),
        });
        const data = endpointData(this);
        data.webhookId = String(endpoint.id);
        data.webhookSecret = String(endpoint.secret);
        data.webhookUrl = url;
        return true;
      },

      async delete(this: IHookFunctions): Promise<boolean> {
        const data = endpointData(this);
        if (data.webhookId) {
          const client = await platenClientFor(this);
          await client.deleteWebhook(data.webhookId);
        }
        delete data.webhookId;
        delete data.webhookSecret;
        delete data.webhookUrl;
        return true;
      },
    },
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const request = this.getRequestObject() as ReturnType<IWebhookFunctions['getRequestObject']> & {
      rawBody?: Buffer;
      readRawBody?: () => Promise<void>;
    };
    if (!request.rawBody && request.readRawBody) await request.readRawBody();
    const secret = endpointData(this).webhookSecret;
    const verdict = secret
      ? verifyDelivery({
          secret,
          headers: request.headers,
          rawBody: request.rawBody ?? Buffer.alloc(0),
          nowSeconds: Math.floor(Date.now() / 1000),
        })
      : ({ ok: false, reason: 'this trigger has no registered endpoint' } as const);
    if (!verdict.ok) {
      this.getResponseObject().status(401).json({ error: verdict.reason });
      return { noWebhookResponse: true };
    }
    const event = this.getBodyData();
    return { workflowData: [[{ json: { ...event, webhook_id: verdict.webhookId } }]] };
  }
}
