# The borderwatch worker image (docker-compose.yml builds it).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY matchers matchers
COPY watchlists watchlists
COPY streams streams
COPY config config
# numba keeps the matcher's compiled kernels in a cache on disk. The installed package is
# read-only to the worker's user, so the cache lives here (without a writable cache numba
# refuses to import the kernels at all). It is filled as the image is built, so a worker
# starts without compiling; the worker's user may write it, so that on a host whose CPU
# differs from the builder's a worker compiles them once and keeps them.
ENV NUMBA_CACHE_DIR=/var/cache/borderwatch/numba
# The snapshot's directory (docker-compose's `snapshot` volume takes its owner from here).
RUN pip install --no-cache-dir . \
    && borderwatch compile \
    && mkdir -p /var/lib/borderwatch/snapshot \
    && chown -R nobody /var/cache/borderwatch /var/lib/borderwatch
USER nobody
EXPOSE 9108
CMD ["borderwatch", "worker"]
