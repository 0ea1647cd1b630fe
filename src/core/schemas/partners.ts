import { Type, type Static } from '@sinclair/typebox';
import { CATALOG_LIMITS, Category, LIMITS, LongText, PageLimit, Text, Timestamp, Url, Uuid } from './common.ts';

const name = Text(LIMITS.shortText, 'Display name, 1–200 characters.');
const description = LongText(CATALOG_LIMITS.description, 'Free text, at most 5000 characters.');
const logo = Url('Logo image URL (http or https).');

/** Roles of a member of a partner's team (API.md, "Partners and establishments"). */
export const MemberRole = Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('staff')],
  { description: '`owner` (team and everything), `manager` (establishments and offers), `staff` (check-ins).' });
export type MemberRole = Static<typeof MemberRole>;

/** Body of `POST /partners` and args of `partners.create`. */
export const PartnerCreate = Type.Object(
  { name, description: Type.Optional(description), category: Category, logo: Type.Optional(logo) },
  { additionalProperties: false, $id: 'PartnerCreate' },
);
export type PartnerCreate = Static<typeof PartnerCreate>;

/** Body of `PATCH /partners/{id}`: JSON merge patch (RFC 7396); `logo: null` removes the logo. */
export const PartnerPatch = Type.Object(
  { name: Type.Optional(name), description: Type.Optional(description), category: Type.Optional(Category), logo: Type.Optional(Type.Union([logo, Type.Null()])) },
  { additionalProperties: false },
);
export type PartnerPatch = Static<typeof PartnerPatch>;

/** A partner as stored and returned. */
export const Partner = Type.Object(
  {
    id: Uuid('Partner id (UUIDv7).'),
    name,
    description,
    category: Category,
    logo: Type.Union([logo, Type.Null()]),
    created_at: Timestamp('Creation time (UTC).'),
    updated_at: Timestamp('Last change (UTC).'),
  },
  { additionalProperties: false, $id: 'Partner' },
);
export type Partner = Static<typeof Partner>;

/** Args of `partners.update`. */
export const PartnerUpdateArgs = Type.Object({ id: Uuid('Partner id.'), patch: PartnerPatch }, { additionalProperties: false });
export type PartnerUpdateArgs = Static<typeof PartnerUpdateArgs>;

/** Args of `partners.delete`. */
export const PartnerIdArgs = Type.Object({ id: Uuid('Partner id.') }, { additionalProperties: false });
export type PartnerIdArgs = Static<typeof PartnerIdArgs>;

/** Body of `POST /partners/{id}/members`. */
export const MemberAdd = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254, description: 'Email of an existing account.' }), role: MemberRole },
  { additionalProperties: false, $id: 'MemberAdd' },
);
export type MemberAdd = Static<typeof MemberAdd>;

/** Args of `members.add`: the partner and the body. */
export const MemberAddArgs = Type.Object({ partner_id: Uuid('Partner id.'), ...MemberAdd.properties }, { additionalProperties: false });
export type MemberAddArgs = Static<typeof MemberAddArgs>;

/** Args of `members.remove`. */
export const MemberRemoveArgs = Type.Object({ partner_id: Uuid('Partner id.'), user_id: Uuid('User id of the member.') }, { additionalProperties: false });
export type MemberRemoveArgs = Static<typeof MemberRemoveArgs>;

/** A member as `GET /partners/{id}/members` shows it. */
export const Member = Type.Object(
  {
    user_id: Uuid('User id.'),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    role: MemberRole,
    added_at: Timestamp('When the member joined (UTC).'),
  },
  { additionalProperties: false, $id: 'Member' },
);
export type Member = Static<typeof Member>;

/** A membership as stored: `members[[partner_id, user_id]]` and `memberships[[user_id, partner_id]]`. */
export interface MemberRecord {
  role: MemberRole;
  added_at: string;
}

/** One entry of `GET /me` `memberships`. */
export const Membership = Type.Object(
  { partner_id: Uuid('Partner id.'), partner_name: Type.String(), role: MemberRole },
  { additionalProperties: false, $id: 'Membership' },
);
export type Membership = Static<typeof Membership>;

/** Opaque cursor of the catalogue's collections. */
export const Cursor = Type.String({ minLength: 1, maxLength: 200, description: 'Opaque cursor from the previous page\'s `Link: rel="next"`.' });

/** Query of `GET /partners`. */
export const PartnerListQuery = Type.Object(
  { category: Type.Optional(Category), after: Type.Optional(Cursor), limit: Type.Optional(PageLimit) },
  { additionalProperties: false },
);
export type PartnerListQuery = Static<typeof PartnerListQuery>;

/** Query of the collections paged by an opaque cursor only. */
export const PageQuery = Type.Object({ after: Type.Optional(Cursor), limit: Type.Optional(PageLimit) }, { additionalProperties: false });
export type PageQuery = Static<typeof PageQuery>;
