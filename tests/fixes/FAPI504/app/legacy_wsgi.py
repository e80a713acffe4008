"""The old Flask admin, still served for a while."""
from flask import Flask

flask_admin = Flask(__name__)
