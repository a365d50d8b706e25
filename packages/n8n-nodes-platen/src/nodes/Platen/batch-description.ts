// The Batch resource's operations and fields as the n8n editor shows them.
import type { INodeProperties } from 'n8n-workflow';

const forBatch = (operation: string[], more: Record<string, unknown[]> = {}) => ({
  show: { resource: ['batch'], operation, ...more },
});

export const batchOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['batch'] } },
    options: [
      {
        name: 'Create',
        value: 'create',
        description: 'Render many mockups in one request, charged together',
        action: 'Create a batch',
      },
      { name: 'Get', value: 'get', description: 'Get a batch', action: 'Get a batch' },
      {
        name: 'Get Many',
        value: 'getAll',
        description: 'List your batches, newest first',
        action: 'Get many batches',
      },
    ],
    default: 'create',
  },
];

const archiveField = (operation: string, show: Record<string, unknown[]>): INodeProperties => ({
  displayName: 'Put Archive in Field',
  name: 'outputBinaryPropertyName',
  type: 'string',
  default: 'data',
  required: true,
  hint: 'The name of the output binary field the ZIP of the batch is put in',
  displayOptions: forBatch([operation], show),
});

export const batchFields: INodeProperties[] = [
  {
    displayName: 'Renders From',
    name: 'mode',
    type: 'options',
    noDataExpression: true,
    options: [
      {
        name: 'Cross Product',
        value: 'crossProduct',
        description: 'Every chosen mockup × every colour × every artwork',
      },
      {
        name: 'Items (JSON)',
        value: 'items',
        description: 'An explicit list of renders naming the artworks by ID',
      },
    ],
    default: 'crossProduct',
    displayOptions: forBatch(['create']),
  },
  {
    displayName: 'Mockup Names or IDs',
    name: 'mockupUuids',
    type: 'multiOptions',
    typeOptions: { loadOptionsMethod: 'getMockups' },
    required: true,
    default: [],
    description:
      'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
    displayOptions: forBatch(['create'], { mode: ['crossProduct'] }),
  },
  {
    displayName: 'Product Colours',
    name: 'productHexCodes',
    type: 'string',
    default: '',
    placeholder: '#1B2A4A, #FFFFFF',
    description:
      'Optional: #RRGGBB colours separated by commas, one render per colour for mockups that take one (the t-shirt)',
    displayOptions: forBatch(['create'], { mode: ['crossProduct'] }),
  },
  {
    displayName: 'Items (JSON)',
    name: 'items',
    type: 'json',
    required: true,
    default:
      '[\n  {\n    "mockup_uuid": "6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e01",\n    "smart_objects": [{ "uuid": "6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e11", "artwork": "artwork-1" }]\n  }\n]',
    description:
      'The batch’s items as Platen takes them: {mockup_uuid, smart_objects: [{uuid, artwork, color?}], color?, export_options?, export_label?}, artwork being an artwork ID below',
    displayOptions: forBatch(['create'], { mode: ['items'] }),
  },
  {
    displayName: 'Artworks',
    name: 'artworks',
    placeholder: 'Add Artwork',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true },
    default: {},
    description: 'The artworks of the batch, 1–50; in a cross product each artwork’s ID labels its renders',
    displayOptions: forBatch(['create']),
    options: [
      {
        displayName: 'Artwork',
        name: 'artwork',
        values: [
          {
            displayName: 'Artwork From',
            name: 'artworkSource',
            type: 'options',
            options: [
              { name: 'URL', value: 'url', description: 'Platen downloads the image' },
              { name: 'Binary Field', value: 'binary', description: 'An image in an input binary field' },
            ],
            default: 'binary',
          },
          {
            displayName: 'Artwork URL',
            name: 'artworkUrl',
            type: 'string',
            default: '',
            placeholder: 'https://example.com/art.png',
          },
          {
            displayName: 'Fit',
            name: 'fit',
            type: 'options',
            options: [
              { name: 'Cover (Fill, Cropping)', value: 'cover' },
              { name: 'Contain (Whole Artwork)', value: 'contain' },
              { name: 'Fill (Stretched)', value: 'fill' },
              { name: 'Tile', value: 'tile' },
            ],
            default: 'cover',
          },
          {
            displayName: 'ID',
            name: 'id',
            type: 'string',
            default: '',
            placeholder: 'logo',
            description: 'A–Z, a–z, 0–9, _ and -; empty: artwork-1, artwork-2… in this order',
          },
          {
            displayName: 'Input Binary Field',
            name: 'binaryPropertyName',
            type: 'string',
            default: 'data',
            hint: 'The name of the input binary field holding the artwork image',
          },
        ],
      },
    ],
  },
  {
    displayName: 'Wait for Result',
    name: 'waitForResult',
    type: 'boolean',
    default: true,
    description:
      'Whether to wait until every render of the batch has finished and return the finished batch; off: return it at once',
    displayOptions: forBatch(['create']),
  },
  {
    displayName: 'Download Archive',
    name: 'download',
    type: 'boolean',
    default: false,
    description: 'Whether to return the ZIP of the succeeded renders, with its manifest, as binary data',
    displayOptions: forBatch(['create'], { waitForResult: [true] }),
  },
  archiveField('create', { waitForResult: [true], download: [true] }),
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: forBatch(['create']),
    options: [
      {
        displayName: 'Format',
        name: 'format',
        type: 'options',
        options: [
          { name: 'AVIF', value: 'avif' },
          { name: 'JPEG', value: 'jpeg' },
          { name: 'PNG', value: 'png' },
          { name: 'WebP', value: 'webp' },
        ],
        default: 'png',
      },
      {
        displayName: 'Idempotency Key',
        name: 'idempotencyKey',
        type: 'string',
        default: '',
        description:
          'One key per intended batch (e.g. an order ID): sending it again within 24 h returns the same batch instead of a new one. Empty: a new key per item and run.',
      },
      {
        displayName: 'Metadata (JSON)',
        name: 'metadata',
        type: 'json',
        default: '{}',
        description: 'A JSON object stored with the batch and echoed in batch.finished',
      },
      {
        displayName: 'Quality',
        name: 'quality',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 100 },
        default: 90,
        description: 'For JPEG, WebP and AVIF',
      },
      {
        displayName: 'Render Webhooks',
        name: 'renderWebhooks',
        type: 'boolean',
        default: true,
        description:
          'Whether each render also sends render.succeeded or render.failed to the webhook URL; off: only batch.finished',
      },
      {
        displayName: 'Size (Longest Side, Px)',
        name: 'size',
        type: 'number',
        typeOptions: { minValue: 64, maxValue: 8000 },
        default: 2000,
        description: 'The longest side of each image; it sets the price. Default: each mockup’s own size.',
      },
      {
        displayName: 'Timeout (Seconds)',
        name: 'timeout',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 600,
        description: 'With Wait for Result: how long to wait before the item fails',
      },
      {
        displayName: 'Webhook URL',
        name: 'webhookUrl',
        type: 'string',
        default: '',
        description: 'Platen posts batch.finished there, signed with your account secret',
      },
    ],
  },
  {
    displayName: 'Batch ID',
    name: 'batchId',
    type: 'string',
    required: true,
    default: '',
    description: 'The uuid of the batch',
    displayOptions: forBatch(['get']),
  },
  {
    displayName: 'Download Archive',
    name: 'download',
    type: 'boolean',
    default: false,
    description: 'Whether to return the ZIP of the succeeded renders, with its manifest, as binary data',
    displayOptions: forBatch(['get']),
  },
  {
    displayName: 'Partial Archive',
    name: 'partial',
    type: 'boolean',
    default: false,
    description:
      'Whether to archive what has succeeded so far of a batch still processing; off: such a batch fails the item (409)',
    displayOptions: forBatch(['get'], { download: [true] }),
  },
  archiveField('get', { download: [true] }),
  {
    displayName: 'Return All',
    name: 'returnAll',
    type: 'boolean',
    default: false,
    description: 'Whether to return all results or only up to a given limit',
    displayOptions: forBatch(['getAll']),
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'Max number of results to return',
    displayOptions: forBatch(['getAll'], { returnAll: [false] }),
  },
];
