// The one credential every Platen node uses: an API key (sent as X-API-KEY) and the Platen base URL.
import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
} from 'n8n-workflow';

export class PlatenApi implements ICredentialType {
  name = 'platenApi';

  displayName = 'Platen API';

  // Where the package README (its quick start) is shown once published.
  documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-platen';

  properties: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'A Platen API key (sm_…), from the dashboard or `platen key create`',
    },
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://localhost:8080',
      required: true,
      description: 'The address of your Platen, without /api/v1',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: { headers: { 'X-API-KEY': '={{$credentials.apiKey}}' } },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
      url: '/api/v1/mockups',
      qs: { limit: 1 },
    },
  };
}
