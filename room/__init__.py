"""Rooms: a class sends its drawings to one room, and a projector shows the room's wall.

    records -> what a room holds, as plain data
    store   -> the room database (SQLite or PostgreSQL); all the SQL lives here
    wall    -> the wall's numbers, words and chart, without Streamlit
    ui      -> the room on the page: open, join, send, the wall

It imports the model (model/); the store and the records never import the page.
"""
