# The borderwatch worker image (docker-compose.yml builds it).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY matchers matchers
COPY watchlists watchlists
COPY streams streams
COPY config config
RUN pip install --no-cache-dir .
USER nobody
EXPOSE 9108
CMD ["borderwatch", "worker"]
