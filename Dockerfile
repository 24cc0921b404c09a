# lawreach dashboard: Streamlit on port 8501, offline (no network needed at run time), non-root.
#   docker build -t lawreach .
#   docker run --rm -p 8501:8501 lawreach
# A fork's data: docker run --rm -p 8501:8501 -v "$PWD/data:/app/data:ro" lawreach
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    MPLCONFIGDIR=/tmp/matplotlib \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_HEADLESS=true

RUN groupadd --system --gid 10001 lawreach \
    && useradd --system --uid 10001 --gid lawreach --create-home --home-dir /home/lawreach \
       --shell /usr/sbin/nologin lawreach

WORKDIR /app

# Dependencies first (cached while only the app changes), pinned by constraints.txt.
# The package is installed in editable mode so that it finds data/ beside it in /app.
COPY constraints.txt pyproject.toml README.md ./
COPY lawreach/ lawreach/
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir -c constraints.txt -e . \
    && python -c "import lawreach, streamlit, pydeck, geopandas; print('deps ok', streamlit.__version__)"

COPY app*.py ./
COPY pages/ pages/
COPY .streamlit/ .streamlit/
COPY data/ data/

USER 10001:10001
EXPOSE 8501

# Streamlit answers "ok" on /_stcore/health once the server is up (slim images have no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4); sys.exit(0 if r.status == 200 else 1)"]

# No file watcher in a container: the code and data are fixed at build time.
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.fileWatcherType=none"]
