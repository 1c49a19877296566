import { type Errors, SelectField, TextField } from '../../web/forms.tsx';
import { TIME_ZONES } from '../profile-schemas.ts';
import { ROLES } from '../roles.ts';

/**
 * The profile's fields that more than one form asks (the settings form and the first guided
 * step): role, place and time zone, each with its label, limits and hint in one place.
 */

const TIME_ZONE_OPTIONS = [...TIME_ZONES].sort().map((tz) => ({ value: tz, label: tz.replace(/_/g, ' ') }));

/** The role from the list, and the member's own words when it is "Other". */
export function RoleFields(props: {
  values: { role?: string | null; roleOther?: string | null };
  errors: Errors;
  label?: string;
  hint?: string;
}) {
  return (
    <>
      <SelectField
        name="role"
        optional
        label={props.label ?? 'Role'}
        value={props.values.role ?? ''}
        errors={props.errors}
        placeholder="Choose the role closest to what you do"
        options={ROLES.map((r) => ({ value: r.key, label: r.label }))}
        {...(props.hint ? { hint: props.hint } : {})}
      />
      <TextField
        name="roleOther"
        optional
        label="Your role in your own words"
        value={props.values.roleOther ?? ''}
        errors={props.errors}
        maxLength={60}
        hint={'Only needed when you chose "Other", e.g. "Youth services coordinator".'}
      />
    </>
  );
}

/** Where the member is (free text) and her time zone (from the list). */
export function PlaceFields(props: { values: { location?: string | null; timeZone: string }; errors: Errors; locationLabel?: string }) {
  return (
    <>
      <TextField
        name="location"
        optional
        label={props.locationLabel ?? 'Location'}
        value={props.values.location ?? ''}
        errors={props.errors}
        maxLength={120}
        hint="A town, region or country; as precise as you like."
      />
      <SelectField
        name="timeZone"
        label="Time zone"
        value={props.values.timeZone}
        errors={props.errors}
        options={TIME_ZONE_OPTIONS}
        required
        hint="Chats and events are shown in your time zone."
      />
    </>
  );
}
