#!/usr/bin/env bash
# What the project adds to the services' sources so the six business services run on
# PostgreSQL (reference-system.md, "Databases"), applied to a source tree at the pinned commit:
#   1. the PostgreSQL JDBC driver (version managed by Spring Boot) in each business pom.xml;
#   2. Flyway reads classpath:db/migration/common plus the folder of the database in use
#      (Spring's {vendor}: h2, postgresql): the upstream CREATE TABLE migrations, written for
#      H2 (INT(11) AUTO_INCREMENT, NULL_TO_DEFAULT), move to h2/; ours, beside this script,
#      go to postgresql/; the inserts and foreign keys, plain SQL, move to common/;
#   3. the dev profile's fixed H2 dialect goes, so Hibernate picks the database's own.
# Each step checks that it found what it expects, so a changed upstream fails here, loudly.
# Usage: apply.sh SOURCE_TREE
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tree="${1:?usage: apply.sh SOURCE_TREE}"
fail() { echo "postgresql patch: $*" >&2; exit 1; }

for dir in "$here"/*-service; do
  service="$(basename "$dir")"
  src="$tree/$service"
  resources="$src/src/main/resources"
  migrations="$resources/db/migration"
  [[ -f "$src/pom.xml" ]] || fail "$service/pom.xml not found"

  grep -q '<artifactId>postgresql</artifactId>' "$src/pom.xml" && fail "$service/pom.xml already declares the PostgreSQL driver"
  count="$(grep -c '<artifactId>h2</artifactId>' "$src/pom.xml" || true)"
  [[ "$count" == 1 ]] || fail "$service/pom.xml: expected one h2 dependency, found $count"
  # The driver goes in as a sibling of the h2 dependency, with the same runtime scope.
  sed -i '/<artifactId>h2<\/artifactId>/{n;n;s|</dependency>|</dependency>\n\t\t<dependency>\n\t\t\t<groupId>org.postgresql</groupId>\n\t\t\t<artifactId>postgresql</artifactId>\n\t\t\t<scope>runtime</scope>\n\t\t</dependency>|}' "$src/pom.xml"
  grep -q '<artifactId>postgresql</artifactId>' "$src/pom.xml" || fail "$service/pom.xml: the driver was not added"

  mkdir -p "$migrations/common" "$migrations/h2" "$migrations/postgresql"
  for ours in "$dir"/V*.sql; do
    name="$(basename "$ours")"
    if [[ -f "$migrations/$name" ]]; then
      grep -qE 'AUTO_INCREMENT|NULL_TO_DEFAULT|INT\(11\)' "$migrations/$name" || fail "$service $name: no H2-only syntax left to replace"
      mv "$migrations/$name" "$migrations/h2/$name"
    fi
    cp "$ours" "$migrations/postgresql/$name"
  done
  cp "$here/V0_1__null_to_default.sql" "$migrations/postgresql/"
  for rest in "$migrations"/V*.sql; do
    grep -qE 'AUTO_INCREMENT|NULL_TO_DEFAULT' "$rest" && fail "$service $(basename "$rest"): H2-only syntax with no PostgreSQL version"
    mv "$rest" "$migrations/common/"
  done

  grep -q 'flyway' "$resources/application.yml" && fail "$service application.yml already configures Flyway"
  grep -qE '^spring:$' "$resources/application.yml" || fail "$service application.yml: no top-level spring: key"
  sed -i 's|^spring:$|spring:\n  flyway:\n    locations: classpath:db/migration/common,classpath:db/migration/{vendor}|' "$resources/application.yml"

  grep -q 'dialect: org.hibernate.dialect.H2Dialect' "$resources/application-dev.yml" || fail "$service application-dev.yml: no H2 dialect line"
  sed -i '/dialect: org.hibernate.dialect.H2Dialect/d' "$resources/application-dev.yml"
  echo "postgresql patch: $service done" >&2
done
