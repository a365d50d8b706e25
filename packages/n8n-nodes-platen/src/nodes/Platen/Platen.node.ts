// The "Platen" node: Mockup (get, get many, upload PSD), Render (create and wait, get, get many) and
// Batch (create and wait, get, get many, each batch's ZIP as binary data).
import { NodeOperationError } from 'n8n-workflow';
import type {
  IDataObject,
  IExecuteFunctions,
  INodeExecutionData,
  INodeType,
  INodeTypeDescription,
} from 'n8n-workflow';
import { platenClientFor } from '../../transport/n8n-client';
import { PlatenApiError } from '../../transport/platen-client';
import { batchFields, batchOperations } from './batch-description';
import { getMockups, getSmartObjects } from './load-options';
import { mockupFields, mockupOperations } from './mockup-description';
import { operations } from './operations';
import { renderFields, renderOperations } from './render-description';

export class Platen implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Platen',
    name: 'platen',
    icon: 'file:platen.svg',
    group: ['transform'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Render product mockups with Platen',
    defaults: { name: 'Platen' },
    inputs: ['main'],
    outputs: ['main'],
    credentials: [{ name: 'platenApi', required: true }],
    properties: [
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'Batch', value: 'batch' },
          { name: 'Mockup', value: 'mockup' },
          { name: 'Render', value: 'render' },
        ],
        default: 'render',
      },
      ...mockupOperations,
      ...mockupFields,
      ...renderOperations,
      ...renderFields,
      ...batchOperations,
      ...batchFields,
    ],
  };

  methods = { loadOptions: { getMockups, getSmartObjects } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const client = await platenClientFor(this);
    const output: INodeExecutionData[] = [];
    const items = this.getInputData();
    for (let i = 0; i < items.length; i++) {
      const resource = this.getNodeParameter('resource', i);
      const operation = this.getNodeParameter('operation', i);
      const run = operations[String(resource)]?.[String(operation)];
      try {
        if (!run) {
          throw new NodeOperationError(
            this.getNode(),
            `Unknown operation ${String(resource)}:${String(operation)}`,
          );
        }
        output.push(...(await run(this, client, i)));
      } catch (error) {
        if (!this.continueOnFail()) {
          if (error instanceof NodeOperationError) throw error;
          throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
        }
        const failure: IDataObject = { error: (error as Error).message };
        if (error instanceof PlatenApiError) {
          Object.assign(failure, { code: error.code, status: error.status, request_id: error.requestId });
        }
        output.push({ json: failure, pairedItem: { item: i } });
      }
    }
    return [output];
  }
}
