"""The pure helpers behind the dashboard: table, summary, link, selection, detail
panel, About page. No Streamlit here (app.py wires them), and no reader.
"""
