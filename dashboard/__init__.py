"""Governed dashboard for MLflow model versions: the package behind the Streamlit pages."""
