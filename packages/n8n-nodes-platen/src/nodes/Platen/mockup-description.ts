// The Mockup resource's operations and fields as the n8n editor shows them.
import type { INodeProperties } from 'n8n-workflow';

const forMockup = (operation: string[]) => ({ show: { resource: ['mockup'], operation } });

export const mockupOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['mockup'] } },
    options: [
      {
        name: 'Get',
        value: 'get',
        description: 'Get a mockup with its smart objects',
        action: 'Get a mockup',
      },
      {
        name: 'Get Many',
        value: 'getAll',
        description: 'List the built-in mockups and your own',
        action: 'Get many mockups',
      },
      {
        name: 'Upload PSD',
        value: 'upload',
        description: 'Upload a PSD or PSB from binary data as a new mockup',
        action: 'Upload a PSD as a mockup',
      },
    ],
    default: 'getAll',
  },
];

export const mockupFields: INodeProperties[] = [
  {
    displayName: 'Mockup Name or ID',
    name: 'mockupId',
    type: 'options',
    typeOptions: { loadOptionsMethod: 'getMockups' },
    required: true,
    default: '',
    description:
      'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
    displayOptions: forMockup(['get']),
  },
  {
    displayName: 'Return All',
    name: 'returnAll',
    type: 'boolean',
    default: false,
    description: 'Whether to return all results or only up to a given limit',
    displayOptions: forMockup(['getAll']),
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'Max number of results to return',
    displayOptions: { show: { resource: ['mockup'], operation: ['getAll'], returnAll: [false] } },
  },
  {
    displayName: 'Input Binary Field',
    name: 'binaryPropertyName',
    type: 'string',
    default: 'data',
    required: true,
    hint: 'The name of the input binary field holding the PSD or PSB file',
    displayOptions: forMockup(['upload']),
  },
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    default: '',
    description: 'The mockup name; empty: the file name without its extension',
    displayOptions: forMockup(['upload']),
  },
  {
    displayName: 'Wait for Import',
    name: 'waitForImport',
    type: 'boolean',
    default: true,
    description: 'Whether to wait until Platen has imported the file (status ready or failed)',
    displayOptions: forMockup(['upload']),
  },
  {
    displayName: 'Timeout (Seconds)',
    name: 'timeout',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 300,
    description: 'How long to wait for the import before the item fails',
    displayOptions: { show: { resource: ['mockup'], operation: ['upload'], waitForImport: [true] } },
  },
];
