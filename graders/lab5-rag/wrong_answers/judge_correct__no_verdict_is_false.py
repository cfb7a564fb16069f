# wrong because: a reply without a verdict gives False instead of None
# counterexample: says('I think so') gives False, should be None
def judge_correct(question, gold_answer, candidate, llm):
    """True / False: the judge model's verdict on candidate against gold_answer; None when it gave none."""
    if is_refusal(candidate):
        return False
    reply = (JUDGE_PROMPT | llm | StrOutputParser()).invoke(
        {"question": question, "gold": gold_answer, "candidate": candidate})
    word = re.sub(r"[^A-Za-z]", "", (reply.split() or [""])[0]).upper()
    return word == "CORRECT"
