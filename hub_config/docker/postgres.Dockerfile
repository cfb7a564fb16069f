# PostgreSQL from Debian's packages, for machines that reach Debian's archive but no container registry (where
# compose.yaml's postgres:16 cannot be pulled). Same contract as that image for what compose.yaml uses:
# POSTGRES_DB, POSTGRES_USER, POSTGRES_PASSWORD, the data in /var/lib/postgresql/data, pg_isready for the health check.
#   hub_config/docker/build.sh docker shiplab-postgres:15 "" hub_config/docker/postgres.Dockerfile
FROM debian:bookworm-slim

# no cluster from the package's post-install: the entrypoint makes one in the data volume
# hadolint ignore=DL3008
RUN mkdir -p /etc/postgresql-common/createcluster.d \
    && echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/no-main-cluster.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
    && install -d -o postgres -g postgres -m 2775 /var/run/postgresql

COPY hub_config/docker/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
# the package makes the account (its uid is the package's choice)
# hadolint ignore=DL3066
USER postgres
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
