-- Runs once, when the postgres container starts with an empty data volume
-- (/docker-entrypoint-initdb.d). Every service owns one database.
CREATE DATABASE store;
CREATE DATABASE orders;
CREATE DATABASE warehouse;
CREATE DATABASE warranty;
