def llm_route(ticket, model, tools, teams, fallback, max_steps=3):
    """Route one ticket with a model that may ask for tools; a valid team or the fallback's."""
    messages = [{"role": "system", "content": ROUTER_PROMPT.format(teams=", ".join(teams))},
                {"role": "user", "content": ticket}]
    by_name = {t.strip().lower(): t for t in teams}
    used, steps, problem = [], 0, "the model gave no valid answer"
    while steps < max_steps:
        steps += 1
        try:
            reply = model(messages)
        except Exception as exc:
            problem = f"the model failed: {type(exc).__name__}: {exc}"
            break
        messages.append({"role": "assistant", "content": reply})
        data = first_json(reply)
        if data is None:
            problem = "the reply held no JSON object"
        elif "tool" in data:
            name, args = data["tool"], data.get("args", {})
            if not isinstance(name, str) or name not in tools:
                problem = f"there is no tool {name!r}; the tools are {', '.join(tools)}"
            elif not isinstance(args, dict):
                problem = "args must be a JSON object"
            else:
                try:
                    result = tools[name](**args)
                except Exception as exc:
                    problem = f"{name} failed: {type(exc).__name__}: {exc}"
                else:
                    used.append(name)
                    messages.append({"role": "user", "content": f"{name} -> {json.dumps(result)}"})
                    continue
        else:
            team = data.get("team")
            if isinstance(team, str) and team in teams:
                return {"team": team, "reason": str(data.get("reason", ""))[:200],
                        "source": "model", "tools": used, "steps": steps}
            problem = f"{team!r} is not one of the teams: {', '.join(teams)}"
        messages.append({"role": "user", "content": f"error: {problem}"})
    return {"team": fallback(ticket), "reason": problem, "source": "fallback", "tools": used, "steps": steps}
