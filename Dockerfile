# syntax=docker/dockerfile:1
# ReleaseGate portal image.
#
# The base images are build arguments so the image can be built where mcr.microsoft.com is out of
# reach, against local stand-ins (scripts/standin-images.sh):
#   DOCKER_BUILDKIT=0 docker build \
#     --build-arg SDK_IMAGE=releasegate-standin/sdk:10.0 \
#     --build-arg RUNTIME_IMAGE=releasegate-standin/aspnet:10.0 -t releasegate/portal:dev .
# Works with the legacy builder and with BuildKit (no BuildKit-only syntax is used).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

# ---------------------------------------------------------------------------------------------
FROM ${SDK_IMAGE} AS build
WORKDIR /src

# Restore first, from the project graph only, so editing code does not redo the restore layer.
# Every project file under src/ and migrations/ (so a new referenced project needs no edit here);
# COPY flattens wildcards, so each goes back into the folder it is named after
# (src/X/X.csproj, the layout `dotnet new` makes and this repository keeps).
COPY Directory.Build.props Directory.Packages.props ReleaseGate.sln ./
COPY src/*/*.csproj src/
COPY migrations/*/*.csproj migrations/
RUN for f in src/*.csproj migrations/*.csproj; do \
        d="${f%/*}/$(basename "$f" .csproj)"; mkdir -p "$d" && mv "$f" "$d/"; \
    done
# RequiresAspNetWebAssets: the SDK adds the package that carries _framework/blazor.web.js only
# when it sees .razor files, and none are copied yet; without it the published app 404s on
# blazor.web.js (publish --no-restore does not notice the missing package).
RUN dotnet restore src/ReleaseGate.Web/ReleaseGate.Web.csproj -p:RequiresAspNetWebAssets=true

# Then the sources (.dockerignore keeps bin/, obj/, data/, tests/ and .git out).
COPY . .
RUN dotnet publish src/ReleaseGate.Web/ReleaseGate.Web.csproj -c Release -o /app --no-restore \
        -p:UseAppHost=false

# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# The official aspnet images (and the stand-in) carry an unprivileged user `app`, UID $APP_UID
# (1654). Create it only if a base without it is used.
ARG APP_UID=1654
RUN id -u app >/dev/null 2>&1 || useradd --uid "${APP_UID}" --user-group --create-home app

WORKDIR /app
COPY --from=build /app ./

# `releasegate admin …` from a shell or `docker exec`: the same program, on the same settings and database.
RUN printf '#!/bin/sh\nexec dotnet /app/ReleaseGate.Web.dll "$@"\n' > /usr/local/bin/releasegate \
    && chmod 755 /usr/local/bin/releasegate

# SQLite lives in data/ under the content root (/app): give it to the app user and make it a
# volume so the database outlives the container.
RUN mkdir -p /app/data && chown "${APP_UID}:${APP_UID}" /app/data
VOLUME ["/app/data"]

# ASPNETCORE_HTTP_PORTS (8080 in the official images) is emptied so that ASPNETCORE_URLS alone
# decides, without the "Overriding HTTP_PORTS" warning at every start.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_RUNNING_IN_CONTAINER=true
EXPOSE 8080
USER ${APP_UID}

# Health: the aspnet image has neither curl nor wget, and installing one only for this would add
# a package to keep patched. bash is in the image (Ubuntu-based official images and the Debian
# stand-in alike), and its /dev/tcp speaks enough HTTP/1.1 to ask /healthz and look for a 200 on
# the status line. (A chiseled/distroless base has no bash: there, drop this and let the
# orchestrator probe /healthz over the network instead.)
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && timeout 8 head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["dotnet", "ReleaseGate.Web.dll"]
