// What each resource/operation does with one input item: read its parameters, call Platen through the
// client, and return the output items (with the rendered image as binary data where asked).
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { Json, PlatenClient } from '../../transport/platen-client';
import { PlatenApiError } from '../../transport/platen-client';
import { batchBody, type BatchArtworkInput } from '../../transport/batch-request';
import {
  idempotencyKeyFor,
  InvalidInputError,
  mockupUpload,
  renderBody,
  type SmartObjectInput,
} from '../../transport/platen-request';

type Operation = (
  context: IExecuteFunctions,
  client: PlatenClient,
  itemIndex: number,
) => Promise<INodeExecutionData[]>;

const MIME_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/avif': 'avif',
};

function stringParameter(context: IExecuteFunctions, name: string, itemIndex: number): string {
  const value = context.getNodeParameter(name, itemIndex);
  return typeof value === 'string' ? value : '';
}

const asItems = (records: Json[], itemIndex: number): INodeExecutionData[] =>
  records.map((json) => ({ json: json as IDataObject, pairedItem: { item: itemIndex } }));

async function withImage(
  context: IExecuteFunctions,
  client: PlatenClient,
  render: Json,
  property: string,
  itemIndex: number,
): Promise<INodeExecutionData> {
  const result = render.result as { url: string; format?: string } | null;
  if (render.status !== 'succeeded' || !result) {
    throw new PlatenApiError(
      0,
      'RENDER_NOT_SUCCEEDED',
      `Render ${String(render.uuid)} is ${String(render.status)}`,
    );
  }
  const image = await client.download(result.url);
  const mimeType = image.contentType.split(';')[0]!.trim();
  const extension = MIME_EXTENSIONS[mimeType] ?? result.format ?? 'bin';
  const binary = await context.helpers.prepareBinaryData(
    image.data,
    `render-${String(render.uuid)}.${extension}`,
    mimeType,
  );
  return { json: render as IDataObject, binary: { [property]: binary }, pairedItem: { item: itemIndex } };
}

function smartObjectsOf(context: IExecuteFunctions, itemIndex: number): Promise<SmartObjectInput[]> {
  const collection = context.getNodeParameter('smartObjects', itemIndex, {}) as {
    smartObject?: Array<{
      uuid: string;
      artworkSource: 'url' | 'binary';
      artworkUrl?: string;
      binaryPropertyName?: string;
      fit?: string;
      color?: string;
    }>;
  };
  return Promise.all(
    (collection.smartObject ?? []).map(async (entry) => ({
      uuid: entry.uuid,
      fit: entry.fit,
      color: entry.color,
      artwork:
        entry.artworkSource === 'binary'
          ? { data: await context.helpers.getBinaryDataBuffer(itemIndex, entry.binaryPropertyName ?? 'data') }
          : { url: entry.artworkUrl ?? '' },
    })),
  );
}

function metadataOf(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidInputError('Metadata must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

const createRender: Operation = async (context, client, i) => {
  const options = context.getNodeParameter('options', i, {}) as {
    format?: string;
    size?: number;
    quality?: number;
    webhookUrl?: string;
    metadata?: unknown;
    idempotencyKey?: string;
    timeout?: number;
  };
  const body = renderBody({
    mockupUuid: context.getNodeParameter('mockupUuid', i) as string,
    smartObjects: await smartObjectsOf(context, i),
    format: options.format,
    size: options.size,
    quality: options.quality,
    webhookUrl: options.webhookUrl,
    metadata: metadataOf(options.metadata),
  });
  const key = idempotencyKeyFor(options.idempotencyKey);
  const wait = context.getNodeParameter('waitForResult', i) as boolean;
  const timeoutSeconds = options.timeout ?? 300;
  let render = await client.createRender(body, key, wait ? Math.min(60, timeoutSeconds) : undefined);
  if (!wait) return asItems([render], i);
  if (render.status === 'queued' || render.status === 'processing') {
    render = await client.waitForRender(String(render.uuid), timeoutSeconds * 1000);
  }
  if (render.status === 'failed') {
    const error = render.error as { code?: string; message?: string } | null;
    throw new PlatenApiError(
      0,
      error?.code ?? 'RENDER_FAILED',
      `Render ${String(render.uuid)} failed: ${error?.code ?? 'RENDER_FAILED'}: ${error?.message ?? ''}`,
    );
  }
  const property = context.getNodeParameter('outputBinaryPropertyName', i) as string;
  return [await withImage(context, client, render, property, i)];
};

const getRender: Operation = async (context, client, i) => {
  const render = await client.getRender(stringParameter(context, 'renderId', i));
  if (context.getNodeParameter('download', i) !== true) return asItems([render], i);
  const property = context.getNodeParameter('outputBinaryPropertyName', i) as string;
  return [await withImage(context, client, render, property, i)];
};

const limitOf = (context: IExecuteFunctions, i: number): number | undefined =>
  context.getNodeParameter('returnAll', i) === true
    ? undefined
    : Number(context.getNodeParameter('limit', i));

const listRenders: Operation = async (context, client, i) => {
  const filters = context.getNodeParameter('filters', i, {}) as { status?: string };
  return asItems(await client.listRenders(filters.status, limitOf(context, i)), i);
};

const listMockups: Operation = async (context, client, i) =>
  asItems(await client.listMockups(limitOf(context, i)), i);

const getMockup: Operation = async (context, client, i) =>
  asItems([await client.getMockup(stringParameter(context, 'mockupId', i))], i);

const uploadMockup: Operation = async (context, client, i) => {
  const property = stringParameter(context, 'binaryPropertyName', i);
  const file = context.helpers.assertBinaryData(i, property);
  const mockup = await client.uploadMockup(
    mockupUpload({
      file: await context.helpers.getBinaryDataBuffer(i, property),
      fileName: file.fileName ?? 'mockup.psd',
      name: (context.getNodeParameter('name', i, '') as string) || undefined,
    }),
  );
  if (!(context.getNodeParameter('waitForImport', i) as boolean)) return asItems([mockup], i);
  const timeoutSeconds = context.getNodeParameter('timeout', i, 300) as number;
  return asItems([await client.waitForMockup(String(mockup.uuid), timeoutSeconds * 1000)], i);
};

async function withArchive(
  context: IExecuteFunctions,
  client: PlatenClient,
  batch: Json,
  itemIndex: number,
  partial = false,
): Promise<INodeExecutionData> {
  const archive = await client.downloadArchive(String(batch.uuid), partial);
  const property = context.getNodeParameter('outputBinaryPropertyName', itemIndex) as string;
  const binary = await context.helpers.prepareBinaryData(
    archive.data,
    `batch-${String(batch.uuid)}.zip`,
    'application/zip',
  );
  return { json: batch as IDataObject, binary: { [property]: binary }, pairedItem: { item: itemIndex } };
}

function batchArtworksOf(context: IExecuteFunctions, itemIndex: number): Promise<BatchArtworkInput[]> {
  const collection = context.getNodeParameter('artworks', itemIndex, {}) as {
    artwork?: Array<{
      id?: string;
      artworkSource: 'url' | 'binary';
      artworkUrl?: string;
      binaryPropertyName?: string;
      fit?: string;
    }>;
  };
  return Promise.all(
    (collection.artwork ?? []).map(async (entry) => ({
      id: entry.id ?? '',
      fit: entry.fit,
      artwork:
        entry.artworkSource === 'url'
          ? { url: entry.artworkUrl ?? '' }
          : {
              data: await context.helpers.getBinaryDataBuffer(itemIndex, entry.binaryPropertyName ?? 'data'),
            },
    })),
  );
}

const createBatch: Operation = async (context, client, i) => {
  const options = context.getNodeParameter('options', i, {}) as {
    format?: string;
    size?: number;
    quality?: number;
    webhookUrl?: string;
    renderWebhooks?: boolean;
    metadata?: unknown;
    idempotencyKey?: string;
    timeout?: number;
  };
  const mode = context.getNodeParameter('mode', i) as 'crossProduct' | 'items';
  const body = batchBody({
    ...(mode === 'crossProduct'
      ? {
          mode,
          mockups: context.getNodeParameter('mockupUuids', i, []) as string[],
          colors: stringParameter(context, 'productHexCodes', i),
        }
      : { mode, items: context.getNodeParameter('items', i) }),
    artworks: await batchArtworksOf(context, i),
    format: options.format,
    size: options.size,
    quality: options.quality,
    webhookUrl: options.webhookUrl,
    renderWebhooks: options.renderWebhooks,
    metadata: metadataOf(options.metadata),
  });
  const key = idempotencyKeyFor(options.idempotencyKey);
  const wait = context.getNodeParameter('waitForResult', i) as boolean;
  const timeoutSeconds = options.timeout ?? 600;
  let batch = await client.createBatch(body, key, wait ? Math.min(60, timeoutSeconds) : undefined);
  if (!wait) return asItems([batch], i);
  if (batch.status === 'processing') {
    batch = await client.waitForBatch(String(batch.uuid), timeoutSeconds * 1000);
  }
  if (context.getNodeParameter('download', i) !== true) return asItems([batch], i);
  return [await withArchive(context, client, batch, i)];
};

const getBatch: Operation = async (context, client, i) => {
  const batch = await client.getBatch(stringParameter(context, 'batchId', i));
  if (context.getNodeParameter('download', i) !== true) return asItems([batch], i);
  return [await withArchive(context, client, batch, i, context.getNodeParameter('partial', i) === true)];
};

const listBatches: Operation = async (context, client, i) =>
  asItems(await client.listBatches(limitOf(context, i)), i);

export const operations: Record<string, Record<string, Operation>> = {
  mockup: { getAll: listMockups, get: getMockup, upload: uploadMockup },
  render: { create: createRender, get: getRender, getAll: listRenders },
  batch: { create: createBatch, get: getBatch, getAll: listBatches },
};
