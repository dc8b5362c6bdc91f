import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, IsUUID, MaxLength } from 'class-validator';
import { PARTNER_EVENT_TYPES } from './webhook.type';

@InputType({ description: 'A webhook endpoint of your organisation.' })
export class RegisterWebhookEndpointInput {
  @Field(() => String, { description: 'An https URL (at most 2000 characters) that answers 2xx to a POST.' })
  @MaxLength(2000, { message: 'url must be at most 2000 characters' })
  url: string;

  @Field(() => [String], { description: `The event types to receive, of: ${PARTNER_EVENT_TYPES.join(', ')}.` })
  @ArrayMinSize(1, { message: 'eventTypes must name at least one event type' })
  @ArrayMaxSize(10, { message: 'eventTypes must name at most 10 event types' })
  @IsIn(PARTNER_EVENT_TYPES, { each: true, message: `eventTypes may hold only ${PARTNER_EVENT_TYPES.join(', ')}` })
  eventTypes: string[];

  @Field(() => String, { nullable: true, description: 'Your label, at most 200 characters.' })
  @IsOptional()
  @MaxLength(200, { message: 'description must be at most 200 characters' })
  description?: string;
}

@ArgsType()
export class DisableWebhookEndpointArgs {
  @Field(() => ID, { description: 'One of your endpoints.' })
  @IsUUID('all', { message: 'id must be a webhook endpoint id' })
  id: string;
}
