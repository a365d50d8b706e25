// Friendly names for the shapes of generated/openapi.ts (generated from the gateway's /openapi.json:
// never edit that file, run `npm run generate -w @platen/client`).
import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

export type Mockup = Schemas['Mockup'];
export type SmartObject = Schemas['SmartObject'];
export type Render = Schemas['Render'];
export type RenderStatus = Render['status'];
export type CreateRenderRequest = Schemas['CreateRenderRequest'];
export type Asset = Schemas['Asset'];
export type ExportOptions = Schemas['ExportOptions'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type CreatedWebhookEndpoint = Schemas['CreatedWebhookEndpoint'];
export type CreateWebhookEndpointRequest = Schemas['CreateWebhookEndpointRequest'];
export type WebhookSecret = Schemas['WebhookSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type ErrorEnvelope = Schemas['Error'];

/** The body of every webhook delivery. */
export interface WebhookEvent<T = unknown> {
  type: string;
  timestamp: string;
  data: T;
}
