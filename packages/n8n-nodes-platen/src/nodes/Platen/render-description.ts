// The Render resource's operations and fields as the n8n editor shows them.
import type { INodeProperties } from 'n8n-workflow';

const forRender = (operation: string[]) => ({ show: { resource: ['render'], operation } });

export const renderOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['render'] } },
    options: [
      {
        name: 'Create',
        value: 'create',
        description: 'Render artwork into a mockup',
        action: 'Create a render',
      },
      { name: 'Get', value: 'get', description: 'Get a render', action: 'Get a render' },
      {
        name: 'Get Many',
        value: 'getAll',
        description: 'List your renders, newest first',
        action: 'Get many renders',
      },
    ],
    default: 'create',
  },
];

const downloadFields = (operation: string, show: Record<string, unknown[]>): INodeProperties[] => [
  {
    displayName: 'Put Output Image in Field',
    name: 'outputBinaryPropertyName',
    type: 'string',
    default: 'data',
    required: true,
    hint: 'The name of the output binary field the rendered image is put in',
    displayOptions: { show: { resource: ['render'], operation: [operation], ...show } },
  },
];

export const renderFields: INodeProperties[] = [
  {
    displayName: 'Mockup Name or ID',
    name: 'mockupUuid',
    type: 'options',
    typeOptions: { loadOptionsMethod: 'getMockups' },
    required: true,
    default: '',
    description:
      'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
    displayOptions: forRender(['create']),
  },
  {
    displayName: 'Smart Objects',
    name: 'smartObjects',
    placeholder: 'Add Smart Object',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true },
    default: {},
    description: 'The artwork for each smart object; every required smart object of the mockup needs one',
    displayOptions: forRender(['create']),
    options: [
      {
        displayName: 'Smart Object',
        name: 'smartObject',
        values: [
          {
            displayName: 'Artwork From',
            name: 'artworkSource',
            type: 'options',
            options: [
              {
                name: 'URL',
                value: 'url',
                description: 'Platen downloads the image',
              },
              {
                name: 'Binary Field',
                value: 'binary',
                description: 'An image in an input binary field',
              },
            ],
            default: 'url',
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
              {
                name: 'Cover (Fill, Cropping)',
                value: 'cover',
              },
              {
                name: 'Contain (Whole Artwork)',
                value: 'contain',
              },
              {
                name: 'Fill (Stretched)',
                value: 'fill',
              },
              {
                name: 'Tile',
                value: 'tile',
              },
            ],
            default: 'cover',
          },
          {
            displayName: 'Input Binary Field',
            name: 'binaryPropertyName',
            type: 'string',
            default: 'data',
            hint: 'The name of the input binary field holding the artwork image',
          },
          {
            displayName: 'Product Colour',
            name: 'color',
            type: 'color',
            default: '',
            placeholder: '#1B2A4A',
            description: 'For a smart object that takes a colour (the t-shirt):	#RRGGBB',
          },
          {
            displayName: 'Smart Object Name or ID',
            name: 'uuid',
            type: 'options',
            default: '',
            description:
              'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
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
      'Whether to wait until the render has finished and return its image as binary data; off: return the queued render at once',
    displayOptions: forRender(['create']),
  },
  ...downloadFields('create', { waitForResult: [true] }),
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: forRender(['create']),
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
          'One key per intended render (e.g. an order line ID): sending it again within 24 h returns the same render instead of a new one. Empty: a new key per item and run.',
      },
      {
        displayName: 'Metadata (JSON)',
        name: 'metadata',
        type: 'json',
        default: '{}',
        description: 'A JSON object stored with the render and echoed in its webhooks',
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
        displayName: 'Size (Longest Side, Px)',
        name: 'size',
        type: 'number',
        typeOptions: { minValue: 64, maxValue: 8000 },
        default: 2000,
        description: 'The longest side of the image; it sets the price. Default: the mockup’s own size.',
      },
      {
        displayName: 'Timeout (Seconds)',
        name: 'timeout',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 300,
        description: 'With Wait for Result: how long to wait before the item fails',
      },
      {
        displayName: 'Webhook URL',
        name: 'webhookUrl',
        type: 'string',
        default: '',
        description: 'Platen posts render.succeeded or render.failed there, signed with your account secret',
      },
    ],
  },
  {
    displayName: 'Render ID',
    name: 'renderId',
    type: 'string',
    required: true,
    default: '',
    description: 'The uuid of the render',
    displayOptions: forRender(['get']),
  },
  {
    displayName: 'Download Image',
    name: 'download',
    type: 'boolean',
    default: false,
    description: 'Whether to return the image of a succeeded render as binary data',
    displayOptions: forRender(['get']),
  },
  ...downloadFields('get', { download: [true] }),
  {
    displayName: 'Return All',
    name: 'returnAll',
    type: 'boolean',
    default: false,
    description: 'Whether to return all results or only up to a given limit',
    displayOptions: forRender(['getAll']),
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'Max number of results to return',
    displayOptions: { show: { resource: ['render'], operation: ['getAll'], returnAll: [false] } },
  },
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: forRender(['getAll']),
    options: [
      {
        displayName: 'Status',
        name: 'status',
        type: 'options',
        options: [
          { name: 'Failed', value: 'failed' },
          { name: 'Processing', value: 'processing' },
          { name: 'Queued', value: 'queued' },
          { name: 'Succeeded', value: 'succeeded' },
        ],
        default: 'succeeded',
      },
    ],
  },
];
