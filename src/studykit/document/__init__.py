"""Reading and structure: decode a source, parse it into a Document, print its outline."""
