# The page alone, for a container host: no TensorFlow (model/weights_file.py reads the weights
# with h5py), no tests, no training. Build and run:
#   docker build -t row-lstm-explorer .
#   docker run -p 8501:8501 row-lstm-explorer
# For the MNIST gallery, mount the four IDX files and name the folder:
#   docker run -p 8501:8501 -v /path/to/mnist:/data/mnist:ro -e MNIST_DIR=/data/mnist row-lstm-explorer
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# A Japanese font for the GIF's Japanese captions (page/export.py finds it by path); fonts are
# installed from Debian, never committed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-ipafont-gothic \
    && rm -rf /var/lib/apt/lists/*
# Requirements first, so that a code change does not reinstall them.
COPY requirements-serve.txt .
RUN python -m pip install -r requirements-serve.txt

# The page and the model; .dockerignore leaves out tests, scripts, assets, data and caches.
COPY . .
RUN useradd --create-home --uid 10001 explorer
USER explorer

EXPOSE 8501
# slim has no curl: Python asks Streamlit's own health endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]
CMD ["python", "-m", "streamlit", "run", "app.py", \
     "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", \
     "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"]
