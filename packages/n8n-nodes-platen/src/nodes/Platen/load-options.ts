// The editor's dropdowns, loaded from Platen so a user picks a mockup and its smart objects by name.
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { platenClientFor } from '../../transport/n8n-client';

const MAX_MOCKUPS = 1_000;

export async function getMockups(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
  const client = await platenClientFor(this);
  const mockups = await client.listMockups(MAX_MOCKUPS);
  return mockups.map((mockup) => ({
    name: `${String(mockup.name)}${mockup.status === 'ready' ? '' : ` (${String(mockup.status)})`}`,
    value: String(mockup.uuid),
    description: `${String(mockup.width)}×${String(mockup.height)}${mockup.built_in ? ', built in' : ''}`,
  }));
}

export async function getSmartObjects(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
  const mockupUuid = this.getCurrentNodeParameter('mockupUuid') as string | undefined;
  if (!mockupUuid) return [];
  const client = await platenClientFor(this);
  const mockup = await client.getMockup(mockupUuid);
  const smartObjects = (mockup.smart_objects ?? []) as Array<{
    uuid: string;
    name: string;
    required: boolean;
  }>;
  return smartObjects.map((smartObject) => ({
    name: `${smartObject.name}${smartObject.required ? '' : ' (optional)'}`,
    value: smartObject.uuid,
  }));
}
