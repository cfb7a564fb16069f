def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = text.replace(" \x7f ", "- ").replace("\x7f ", "- ")
    text = text.replace("-\n", "").replace("of\noperation", "of operation")
    text = re.sub(r" +", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
