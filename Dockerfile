# The dashboard image: the same `streamlit run app.py` as on a laptop.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_HEADLESS=true \
    DASHBOARD_DEMO_DIR=/data/demo

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY app.py ./
COPY dashboard ./dashboard
COPY pages ./pages
COPY policies ./policies
COPY demo ./demo
COPY .streamlit/config.toml ./.streamlit/config.toml

RUN useradd --create-home --uid 10001 dashboard && mkdir -p /data && chown dashboard /data
USER dashboard

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py"]
