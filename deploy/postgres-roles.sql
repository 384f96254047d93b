-- yuanqu on PostgreSQL: two roles, least privilege (等保三级 安全审计 / 访问控制; issue 12 M4, issue 13 item 3).
--
--   owner role (yuanqu_owner)  owns the database and the schema; `yuanqu migrate` and `yuanqu audit_archive`
--                              connect as it (DATABASE_OWNER_URL).
--   app role   (yuanqu_app)    what the web server and the task worker connect as (DATABASE_URL): reads and
--                              writes business tables, may INSERT and SELECT audit events but not UPDATE,
--                              DELETE or TRUNCATE them, and has no DDL rights (no CREATE in the schema, owns
--                              no table, so it can neither ALTER nor DROP one).
--
-- Run it once as a superuser, connected to the (empty or already migrated) yuanqu database:
--
--   createdb yuanqu
--   psql -d yuanqu -v owner_password='…' -v app_password='…' -f deploy/postgres-roles.sql
--
-- Role names can be changed with -v owner=NAME -v app=NAME. It is safe to run again: roles that exist are
-- kept (their passwords set again). After every `yuanqu migrate`, the application itself revokes UPDATE,
-- DELETE and TRUNCATE on the audit table from every role but the owner (core's post_migrate handler).

\set ON_ERROR_STOP on
\if :{?owner}
\else
  \set owner yuanqu_owner
\endif
\if :{?app}
\else
  \set app yuanqu_app
\endif
\if :{?owner_password}
\else
  \echo 'give the owner role a password: -v owner_password=...'
  \quit
\endif
\if :{?app_password}
\else
  \echo 'give the application role a password: -v app_password=...'
  \quit
\endif

SELECT current_database() AS db \gset
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') AS create_owner \gset
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') AS create_app \gset
\if :create_owner
  CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif
\if :create_app
  CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
\endif
ALTER ROLE :"owner" PASSWORD :'owner_password';
ALTER ROLE :"app" PASSWORD :'app_password';

-- The owner owns the database, the schema and (if migrated before) every object in it.
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner') FROM pg_tables WHERE schemaname = 'public'
\gexec
SELECT format('ALTER SEQUENCE public.%I OWNER TO %I', c.relname, :'owner') FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d
    WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
\gexec
SELECT format('ALTER FUNCTION public.%I(%s) OWNER TO %I', p.proname, pg_get_function_identity_arguments(p.oid),
              :'owner')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
\gexec

-- The application role: connect, use the schema, no DDL.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM :"app";
GRANT USAGE ON SCHEMA public TO :"app";

-- Data rights on what exists now and on what the owner creates later (migrations).
-- TRUNCATE is a data right, not DDL: the statistics rollup rebuild empties stats_rollup with it (taken back from
-- the audit table below).
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- The audit log: append and read only. (Repeated by the post_migrate handler for a table created later.)
SELECT to_regclass('public.core_auditevent') IS NOT NULL AS has_audit \gset
\if :has_audit
  REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.core_auditevent FROM PUBLIC, :"app";
  GRANT SELECT, INSERT ON public.core_auditevent TO :"app";
\endif

\echo 'roles ready: migrate with DATABASE_OWNER_URL (owner role), serve with DATABASE_URL (application role)'
