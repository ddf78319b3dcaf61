"""The page: what a visitor sees and does, in Streamlit.

    sources   -> where the digit comes from (the canvas, the MNIST gallery, a link)
    layouts   -> where each part goes (desktop, presenter, phone)
    views     -> the analysis tabs; answer_view holds the two tabs that answer the question
    figures*  -> pure builders: a trace in, a Plotly figure out
    explain   -> the words and equations, every number computed from a trace
    export, links, gallery, canvas_data, chart_spec, metrics_check -> one job each

It imports the model (model/) and never the room's store; nothing in model/ imports it.
"""
