import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from './date.scalar';

export enum FestivalKind {
  NEW_YEAR = 'NEW_YEAR',
  SPRING_FESTIVAL = 'SPRING_FESTIVAL',
}
registerEnumType(FestivalKind, {
  name: 'FestivalKind',
  description: 'Festivals before which the elderly and the disabled are visited.',
  valuesConfig: {
    NEW_YEAR: { description: 'New Year’s Day (元旦), 1 January.' },
    SPRING_FESTIVAL: { description: 'Spring Festival (春节), the lunar new year; its date per year is data (community.festival).' },
  },
});

@ObjectType({ description: 'A festival of the "four must-visits" calendar: the elderly and the disabled are visited in the days before it.' })
export class Festival {
  @Field(() => Int, { description: 'The year.' }) year: number;
  @Field(() => FestivalKind, { description: 'New Year or Spring Festival.' }) kind: FestivalKind;
  @Field(() => DateScalar, { description: 'Its date that year.' }) date: string;
  @Field(() => String, { nullable: true, description: 'Who last set the date (token subject); null for dates loaded with the platform.' }) updatedBy:
    string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the date was last set; null for dates loaded with the platform.' })
  updatedAt: Date | null;
}

/** SELECT list of community.festival that reads rows shaped as Festival objects. */
export const FESTIVAL_COLUMNS = `year, kind, date::text AS date, updated_by AS "updatedBy", updated_at AS "updatedAt"`;
