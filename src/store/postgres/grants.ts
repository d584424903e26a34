/** Rights on the projection's tables follow those on the events: appenders change them, readers read them. */

/**
 * A statement granting on `tables` (quoted, schema-qualified) what each role holds on `events`, but the current one.
 */
export const grantedLikeEvents = (events: string, tables: ReadonlyArray<string>): string => `DO $grants$
      DECLARE
        granted record;
      BEGIN
        FOR granted IN
          SELECT DISTINCT a.grantee, a.privilege_type FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
          WHERE c.oid = '${events}'::regclass AND a.privilege_type IN ('SELECT', 'INSERT')
            AND a.grantee <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
        LOOP
          EXECUTE format('GRANT %s ON ${tables.join(', ')} TO %s',
            CASE granted.privilege_type WHEN 'INSERT' THEN 'SELECT, INSERT, UPDATE, DELETE' ELSE 'SELECT' END,
            CASE WHEN granted.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(granted.grantee)) END);
        END LOOP;
      END
    $grants$`
