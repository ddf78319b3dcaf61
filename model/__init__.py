"""The row-LSTM MNIST classifier: architecture, data, training, preprocessing and the NumPy trace.

Nothing in this package knows about Streamlit; the page (app.py, page/) and the rooms (room/) import it.
"""
