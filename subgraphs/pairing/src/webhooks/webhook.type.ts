import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

/** The events a partner's endpoint may subscribe to. */
export const PARTNER_EVENT_TYPES = ['wish.opened'] as const;

@ObjectType({
  description: 'A partner’s webhook endpoint: where the platform sends the events of its paired communities (Standard Webhooks, signed with its secret).',
})
export class WebhookEndpoint {
  @Field(() => ID, { description: 'Endpoint id.' }) id: string;
  @Field(() => String, { description: 'Where events are POSTed.' }) url: string;
  @Field(() => [String], { description: 'The event types it receives, e.g. wish.opened.' }) eventTypes: string[];
  @Field(() => String, { nullable: true, description: 'The partner’s label.' }) description: string | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was registered.' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was disabled, or null while it receives events.' }) disabledAt: Date | null;
  partnerOrg: string;
}

@ObjectType({ description: 'A newly registered webhook endpoint and its signing secret, shown this once.' })
export class RegisteredWebhookEndpoint {
  @Field(() => WebhookEndpoint, { description: 'The endpoint.' }) endpoint: WebhookEndpoint;
  @Field(() => String, {
    description:
      'The signing secret (whsec_…, Standard Webhooks): verify every message’s webhook-signature with it. Shown this once; register a new endpoint to get a new one.',
  })
  secret: string;
}

export const ENDPOINT_COLUMNS = `id::text AS id, url, event_types AS "eventTypes", description, created_at AS "createdAt", disabled_at AS "disabledAt", partner_org AS "partnerOrg"`;
