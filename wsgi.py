from assess import create_app

app = create_app()
