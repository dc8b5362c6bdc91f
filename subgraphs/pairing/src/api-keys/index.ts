import { defineFeature } from '@cgp/core';
import { PartnerApiKeyResolver, partnerApiKeyPermissions } from './api-key.resolver';
import { partnerKeyRoutes } from './api-key.routes';
import { CreatePartnerApiKey1732000080000 } from './migrations/1732000080000-create-partner-api-key';

/** Partner API keys: issued and revoked by district staff; the gateway's partner-key checks (POST /partner-keys/verify and /check). */
export const apiKeys = defineFeature({
  name: 'api-keys',
  resolvers: [PartnerApiKeyResolver],
  permissions: partnerApiKeyPermissions,
  migrations: [CreatePartnerApiKey1732000080000],
  // The gateway's partner-key checks (API keys used directly, tokens exchanged for them).
  routes: partnerKeyRoutes,
});
