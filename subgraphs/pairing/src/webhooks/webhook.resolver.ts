import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { rules, type Permissions, type RequestContext } from '@cgp/core';
import { DisableWebhookEndpointArgs, RegisterWebhookEndpointInput } from './webhook.input';
import { WebhookService } from './webhook.service';
import { RegisteredWebhookEndpoint, WebhookEndpoint } from './webhook.type';

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @Query(() => [WebhookEndpoint], { description: 'Your organisation’s webhook endpoints, newest first (partners). Never their secrets.' })
  myWebhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return WebhookService.list(ctx);
  }

  @Mutation(() => RegisteredWebhookEndpoint, {
    description:
      'Registers a webhook endpoint of your organisation (partners): the events of your paired communities that it names go there, signed per Standard Webhooks. The answer carries the signing secret this once.',
  })
  registerWebhookEndpoint(
    @Arg('input', () => RegisterWebhookEndpointInput, { description: 'The URL and the event types.' }) input: RegisterWebhookEndpointInput,
    @Ctx() ctx: RequestContext,
  ): Promise<RegisteredWebhookEndpoint> {
    return WebhookService.register(ctx, input);
  }

  @Mutation(() => WebhookEndpoint, {
    description: 'Disables one of your webhook endpoints (partners): no further events go to it; deliveries waiting for a retry are dead-lettered.',
  })
  disableWebhookEndpoint(@Args(() => DisableWebhookEndpointArgs) args: DisableWebhookEndpointArgs, @Ctx() ctx: RequestContext): Promise<WebhookEndpoint> {
    return WebhookService.disable(ctx, args.id);
  }
}

// A partner manages its own endpoints (row-level security by organisation); staff have none.
export const webhookEndpointPermissions: Permissions = {
  Query: { myWebhookEndpoints: rules.partner },
  Mutation: { registerWebhookEndpoint: rules.partner, disableWebhookEndpoint: rules.partner },
  WebhookEndpoint: { '*': rules.partner },
  RegisteredWebhookEndpoint: { '*': rules.partner },
};
