"""Hand-built English lexicons for comparing short belief statements.

Everything here is plain words; `text.py` stems them with the same stemmer it applies to
statements, so inflections ("prefers", "preferred", "preferring") need not be listed.

* POLES: scales with two opposite ends ("short" vs "long", "likes" vs "dislikes"). Words
  on one end are treated as synonyms of each other and as antonyms of the other end.
* SYNONYMS: groups of interchangeable words with no listed opposite.
* EXPANSIONS: abbreviations and jargon rewritten into plain words before anything else.
* Function-word lists: negators, hedges, exclusivity and comparison markers, stopwords.
"""

from __future__ import annotations

# One scale per line: "name: words of one end | words of the other end". Multi-word
# entries are joined with "_" after expansion (see PHRASES).
POLES = """
attitude: like, love, enjoy, prefer, want, wish, appreciate, favor, favour, fond, fan, adore, \
keen, enthusiastic, excited, welcome, embrace, value, relish, seek, crave, happy, \
glad, pleased, satisfied, content, interested, favorite, favourite, willing, open_to, \
into, trust, comfortable, confident, at_ease, need, require, demand, desire, \
care_about, passionate, delighted, thrive, positive, prioritize, priority, important, \
essential, vital, crucial, must, fine_with, ok_with, okay_with, happy_with, glad_to, \
appeal, attract, opt_for, choose, pick, favorable, supportive, support, champion, \
rather, would_rather, pleasant, enjoyable, nice, fun, great, rewarding, \
satisfying, relaxing, delightful, exciting, engaging, helpful, useful, valuable \
| dislike, hate, avoid, detest, loathe, despise, reject, refuse, resist, shun, abhor, \
 hesitant, unwilling, wary, averse, against, annoy, annoying, frustrate, \
frustrating, irritate, irritating, bother, bothersome, tired_of, sick_of, fed_up, \
distrust, distrustful, mistrust, mistrustful, skeptical, sceptical, suspicious, \
uncomfortable, anxious, nervous, \
afraid, scared, fear, fearful, worried, intimidate, intimidating, overwhelm, \
terrified, terrify, terrifying, frightened, frightening, petrified, phobic, panic, \
overwhelming, uneasy, unhappy, dissatisfied, displeased, upset, bored, boring, \
uninterested, disinterested, put_off, off_putting, stay_away, steer_clear, \
opt_out, can_not_stand, dread, resent, object_to, oppose, opposed, negative, waste, \
pointless, useless, unnecessary, irrelevant, unimportant, distracting, \
cluttering, clutter, disdain, scorn, discourage, unpleasant, dreadful, tedious, dull, \
tiresome, exhausting, draining, stressful, painful, confusing, patronizing, \
disappointing, awful, terrible, horrible, unbearable, hard_to_read, skip
length: short, brief, concise, succinct, terse, compact, condensed, shortened, \
to_the_point, pithy, crisp, one_line, bite_sized, \
minimal | long, lengthy, detailed, thorough, elaborate, extensive, \
comprehensive, long_form, in_depth, exhaustive, long_winded, rambling, \
 full, deep_dive, expansive, wall_of_text
formality: formal, professional, proper, polite, businesslike, \
buttoned_up | casual, informal, relaxed, conversational, laid_back, chatty, colloquial, \
friendly_tone, slang, easygoing
skill: expert, advanced, experienced, senior, seasoned, proficient, skilled, fluent, \
master, veteran, adept, competent, savvy, sophisticated_user, pro, \
power_user, well_versed, strong_at, good_at, accomplished | beginner, novice, newbie, \
junior, inexperienced, amateur, newcomer, rookie, green, entry_level, just_started, \
starter, learner, struggle, struggling, weak_at, bad_at, unfamiliar, clueless, \
layperson, layman
typing: static, statically, strongly_typed | loosely_typed, \
untyped, weakly_typed
place: remote, remotely, from_home, wfh, home_office, telecommute, distributed | \
in_office, onsite, on_site, office, on_premises, commute
daytime: morning, early, early_bird, dawn, sunrise, am, daytime, before_noon | night, \
evening, late, night_owl, nighttime, midnight, pm, after_dark
shade: dark, black, dim | light, bright, white
speed: fast, quick, rapid, speedy, swift, prompt, instant, immediate, snappy, \
responsive, right_away, quickly, asap | slow, leisurely, laggy, unhurried, \
delayed, gradual, take_their_time
size: small, tiny, little, minor, mini, compact_size, lightweight, lean | large, big, \
huge, massive, giant, enormous, major, heavyweight, bulky, bloated
frequency: always, constantly, frequently, often, regularly, routinely, habitually, \
continually, repeatedly, all_the_time, every_day, daily, usually, consistently | rarely, \
seldom, occasionally, sometimes, infrequently, hardly_ever, once_in_a_while, \
sporadically, only_once, just_once, once_or_twice
difficulty: easy, simple, basic, straightforward, plain, simplified, beginner_friendly, \
accessible, intuitive, effortless, layman_terms, plain_language, everyday_language | \
hard, difficult, complex, complicated, challenging, intricate, sophisticated, \
convoluted, jargon, esoteric, dense
technical: technical, technically, tech_savvy | nontechnical, lay, layperson_level
risk: risky, aggressive, bold, daring, volatile, speculative, high_risk, adventurous | \
safe, cautious, conservative, careful, prudent, low_risk, stable, \
defensive, timid
amount: more, most, many, plenty, lots, maximum, maximize, increase, extra, additional, \
higher, high, heavy, abundant, frequent | less, least, fewer, few, minimum, minimize, \
decrease, reduce, lower, low, cut_back, limited, scarce, infrequent, light_use
volume: loud, noisy, blaring | quiet, silent, silence, hushed, muted, mute
temperature: hot, warm, heated, spicy | cold, cool, chilled, iced, mild
price: cheap, inexpensive, budget, affordable, frugal, thrifty, low_cost, free_tier, \
 bargain, economical | expensive, premium, pricey, costly, luxury, high_end, \
paid, paying, splurge, upscale
visibility: public, publicly, open, shared, visible | private, privately, confidential, \
secret, hidden, closed, personal_only
source: open_source, foss, free_software | proprietary, closed_source, commercial_software
connectivity: online, digital, virtual, internet, electronic, web_based | offline, paper, \
in_person, face_to_face, irl, print, printed, physical, hard_copy, handwritten, analog, \
analogue, in_print
automation: automatic, automated, automate, autopilot, auto | manual, manually, by_hand, \
hand_made, handcrafted
timing: synchronous, sync, live, real_time, realtime, call, calls, meeting, meetings | \
asynchronous, async, offline_messages, recorded
company: alone, solo, solitary, individually, independently, by_themselves, on_their_own, \
single_person, lone, introvert, introverted, private_person | team, group, together, \
collaborative, collaboratively, collaborate, crowd, social, extrovert, extroverted, \
outgoing, teammates, pair_programming
sociability: shy, reserved, quiet_person | outgoing, sociable, talkative, gregarious
mood: optimistic, hopeful, upbeat, cheerful | pessimistic, gloomy, cynical, negative_minded
activity: active, energetic, athletic, sporty, fit | sedentary, inactive, lazy, \
couch_potato, passive, passively
strictness: strict, rigid, rigorous, disciplined, firm | lenient, flexible, loose, lax, \
relaxed_rules, easygoing_rules
structure: structured, organized, organised, planned, plan_ahead, systematic, orderly, \
methodical, scheduled, routine, predictable, tidy, neat | spontaneous, unstructured, \
improvised, improvise, messy, chaotic, disorganized, disorganised, impromptu, ad_hoc, \
last_minute, wing_it, cluttered, haphazard, unpredictable, go_with_the_flow
decoration: minimalist, minimalistic, clean, sparse, uncluttered, plain_design | \
maximalist, ornate, busy_design, flashy, decorated, colorful, colourful, vibrant
age: new, newest, latest, modern, cutting_edge, bleeding_edge, recent, current, \
contemporary, up_to_date, state_of_the_art, novel | old, oldest, legacy, outdated, \
vintage, classic, traditional, dated, old_fashioned, obsolete, retro, older
tone: gentle, soft, softened, diplomatic, tactful, kind, sugarcoat, \
cushioned, encouraging, supportive_tone, tender, mild_feedback | blunt, direct, harsh, \
frank, candid, brutal, straightforward_feedback, no_nonsense, unfiltered, bluntly, \
brutally_honest, tough
seriousness: serious, earnest, solemn, sober, strictly_business, no_jokes | \
funny, playful, jokey, joke, jokes, lighthearted, witty, humour, silly, \
banter, whimsical, goofy
precision: precise, exact, exactly, correct, correctness, rigorous_math, \
meticulous, detailed_numbers, precision | rough, roughly, \
vague, imprecise, ballpark, estimate, inexact, sloppy, fuzzy
abstraction: concrete, practical, hands_on, applied, real_world, pragmatic, example, \
examples, experiential | abstract, theoretical, theory, academic, \
philosophical, principles
attitude: allow, permit, enable, enabled, include, included, turn_on, \
switched_on, activate, activated, accept, approve, opt_in, subscribe, grant | \
disallow, forbid, prohibit, ban, block, disable, disabled, exclude, excluded, remove, \
removed, turn_off, switched_off, deactivate, deactivated, decline, deny, \
unsubscribe, omit, omitted, leave_out, left_out, strip, stripped, drop, mute_off, \
get_rid_of, impatient_with, intolerant_of
start: start, begin, began, started, pick_up, take_up, took_up, join | stop, \
quit, end, ended, cease, give_up, gave_up, abandon, drop_out, leave, left_job, retire
agreement: agree, agreement, approve, endorse, believe_in, in_favor, pro_choice | \
disagree, disagreement, disapprove, doubt, dispute, oppose_idea, against_it, critic
health: healthy, nutritious, wholesome, balanced | unhealthy, junk, processed, greasy
diet: vegetarian, vegan, plant_based, meat_free, meatless | carnivore, meat_eater, \
meat_lover, omnivore
location: urban, city, downtown, metropolitan | rural, countryside, village, remote_area, \
farm, small_town
setting: indoor, indoors, inside | outdoor, outdoors, outside, open_air
device: mobile, phone, smartphone, cellphone, tablet, on_the_go | \
desktop, computer, laptop, pc, workstation
days: weekday, weekdays, workday, workdays, monday_to_friday, business_days | weekend, \
weekends, saturday, sunday
breadth: generalist, broad, wide, general, generic, overview, high_level, \
summary_level | specialist, narrow, specific, specialized, niche, details, low_level, \
granular, nitty_gritty, fine_grained
position: top, first, beginning, start_of, upfront, front, header, lead, opening | \
bottom, last, end_of, ending, footer, trailing, closing, afterwards
direction: left, west | right, east
sameness: same, identical| unique
address: given_name, nickname | last_name, family_name, honorific
win: win, winning, success, successful, succeed, gain, profit, profitable | lose, losing, \
loss, fail, failure, unsuccessful, deficit, unprofitable
height: tall | short_height
strength: strong, intense, potent, powerful | weak, feeble, diluted, watery
weight: heavy_weight, overweight | underweight, slim, thin
employment: employed, hired | unemployed, jobless, laid_off, between_jobs
relationship: married, spouse, partnered, wife, husband | unmarried, divorced
ownership: own, owner, bought, buy, purchase | rent, renting, renter, lease, borrow, \
tenant
trust_ai: verify, double_check, fact_check, cross_check, validate, scrutinize | \
blindly_trust, take_at_face_value, accept_without_checking
patience: patient, patience, calm, tolerant | impatient, impatience, hasty, restless, \
intolerant
security: secure, security, safety, protected, encrypted, locked_down | insecure, \
unsafe, unprotected, exposed
confidence_level: confident, certain, sure, self_assured | unsure, uncertain, \
insecure_about, doubtful, unconfident, self_conscious
visual: visual, visually, diagram, diagrams, chart, charts, graph, graphs, picture, \
pictures, image, images, illustration, illustrations, visualization, visualized, video, \
videos | text, textual, written, prose, words, reading, read, transcript, transcripts, \
listed
""".strip()

# Groups of interchangeable words or phrases with no listed opposite; the first word is
# the canonical one.
SYNONYMS = """
answer, reply, response, output, answers_back, message_back, result, results, \
explanation, explain, writeup, output_format
code, coding, program, programming, programmer, coder, developer, develop, development, \
software, software_engineer, software_engineering, swe, engineer, dev, devs, scripting, \
script, scripts, snippet, snippets, codebase, source_code, implementation, implement
use, using, utilize, employ, rely, rely_on, depend_on, work_with, make_use_of, \
 driver, go_to, stick_with, stick_to, adopt, lean_on
learn, study, studying, learning, practice, train, training, pick_up_skill, get_into, \
take_classes, course, courses, self_teach, self_taught, teach_themselves, master_skill
work, job, employ, career, profession, occupation, position, role, \
works_at, works_in, day_job, gig
buy, purchase, shop, order, acquire
cost, price, pricing, money, spend, spending, expense, expenses, bill, billing, fee, \
fees, budget_amount, pay, payment
begin, start_to
help, assist, assistance, support_with, aid, guidance, guide
fix, debug, debugging, repair, solve, resolve, troubleshoot, patch, bugfix
bug, bugs, error, errors, issue, issues, problem, problems, defect, glitch, crash
car, vehicle, automobile, auto_vehicle
doc, docs, documentation, manual_docs, reference, readme
app, application, tool, tools, product, platform, service, software_tool, program_app, \
assistant, bot, chatbot, ai, model, system
photo, photograph, picture_photo, snapshot, photography
music, song, songs, tune, tunes, playlist, album, audio
book, books, novel, novels, reading_material
email, emails, e_mail, mail, inbox, newsletter, newsletters
message, messages, text_message, chat, chats, dm, dms, ping, notification, \
notifications, alert, alerts, notify, pinged
meeting_sync, standup, stand_up
kid, kids, child, children, toddler, baby, babies, son, daughter, infant, youngster
parent, mom, dad, mother, father, mum, parenthood
doctor, physician, gp, medic, clinician
house, home, household, apartment, flat, residence, place_to_live
exercise, workout, workouts, gym, fitness, training_session, work_out, lift, lifting, \
weights
jog, jogging, runner, marathon
bike, cycle, cycling, bicycle, biking, cyclist
hike, hiking, trek, trekking, hiker, trail, trails
cook, cooking, chef, bake, baking, recipe, recipes, meal_prep
eat, eating, food, meal, meals, diet, dish, dishes, cuisine, consume, snack
drink, drinking, beverage
coffee, espresso, latte, cappuccino, caffeine
tea, green_tea, herbal_tea
travel, trip, trips, journey, vacation, holiday, holidays, traveling, travelling, \
fly, flight, flights, abroad
talk, speak, chat_verbally, converse, conversation, conversations, say, tell, \
communicate, communication, discuss, discussion
write, writing, writes, draft, drafting, compose, author, written_by
person, people, individual, human, someone, folks
company, firm, organization, organisation, business, employer, enterprise, corporation, \
corporate, workplace
startup, start_up, seed_stage
manager, manage, management, lead_team, supervise, supervisor, boss, head_of, run_team, \
direct_reports, reports_to_them
teacher, teach, teaching, educator, instructor, tutor, tutoring, lecturer, professor, \
faculty
student, pupil, learner_student, undergraduate, undergrad, grad_student, enrolled, \
studying_at
school, college, campus, academy, academic_institution
question, questions, ask, asks, asking, query, queries, inquire, \
curious_about, want_to_know, clarify, clarifying, follow_up
show, display, present, presented, laid_out, lay_out, formatted, formatting, \
layout, render, rendered
see, view, watch, look_at, glance
idea, ideas, brainstorm, brainstorming, ideation
list, lists, bullet, bullets, bullet_point, bullet_points, bulleted, enumerate, \
numbered, itemized
table, tables, spreadsheet, grid, rows_and_columns, tabular, matrix
step, steps, step_by_step, walkthrough, walk_through, procedure, instructions, \
instruction, tutorial, tutorials, how_to, guide_steps
source, sources, citation, citations, cite, reference_source, references, \
bibliography, footnote, footnotes, where_from, came_from, provenance
feedback, criticism, critique, critiques, review, reviews, comment_on, comments_on, \
critical_notes, pushback, challenge, challenged
mistake, mistakes, error_made, errors_made, wrong, slip, slips, typo, typos
language, languages, tongue, dialect
speak_language, speaks, fluent_in_language
game, games, gaming, gamer, video_game, video_games, play_games
watch_tv, tv, television, show_series, series, streaming, binge, netflix
sport, sports, athletic_activity
fast_food, takeout, take_out, delivery_food
sleep, sleeping, rest, nap, bedtime, slumber
stress, stressed, pressure, burnout, burned_out, burnt_out
health_care, medical, medicine, health, healthcare, clinical
money_saving, save, saving, savings, economize, cut_costs, lower_costs
invest, investing, investment, investments, investor, portfolio, stocks, shares, \
equities, trading, trade, trader
goal, goals, aim, aims, objective, objectives, target, plan_to, intend, intends, \
aspire, aspiration, hope_to
about_to, preparing_for, prepare, prep, ready_for, studying_for, cram, \
grind, grinding
interview, interviews, job_interview
 curriculum_vitae
 hiring_manager, hiring_managers, employers_hiring
colleague, colleagues, coworker, coworkers, co_worker, teammate_peer, peer, peers
client, clients, customer, customers
deadline, deadlines, due_date, due_dates
schedule, calendar, agenda, timetable, planner, booking, book_time
note, notes, notebook, journal, journaling, log_entries
task, tasks, todo, to_do, chore, chores, errand, errands
privacy, private_data, personal_data, personal_information, data_protection
password, passwords, passcode, passphrase, credentials, login, logins
encryption, encrypt, encrypted_messages, end_to_end
account, accounts, profile, profiles
data, dataset, datasets, information, info, figures, numbers, stats, statistics
analysis, analyze, analyse, analytics, analyzing, crunch
report, reports, summary_report, dashboard, dashboards
summary, summaries, recap, recaps, synopsis, gist, rundown, digest, digests
graph_chart, plot, plots, plotting
design, designer, designing, ux, ui, user_experience, user_interface
test, tests, testing, tested, test_suite, qa
deploy, deployment, deploying, release, releases, ship, shipping, rollout, launch
server, servers, backend, back_end, infrastructure, infra, hosting, host, cloud
 front_end, client_side, web_ui
database, databases, db, dbs, datastore
editor, ide, text_editor, code_editor
terminal, command_line, cli, shell, console, bash
keyboard, keyboard_shortcuts, shortcuts, hotkeys, keybindings, keystrokes
mouse, trackpad, touchpad, pointer
screen, monitor, display_screen, screens
font, fonts, typeface, text_size, font_size
color, colour, colors, colours, palette, hue
theme, themes, color_scheme, color_schemes, skin, appearance, mode
pet, pets, animal, animals
dog, dogs, puppy, puppies
cat, cats, kitten, kittens
plant, plants, garden, gardening, houseplants
weather, forecast, climate_info
news, headlines, current_events, journalism
politics, political, government, elections
religion, religious, faith, church, spiritual
family, relatives, household_members
friend, friends, buddy, buddies, pal, pals
partner, girlfriend, boyfriend, significant_other
language_learning, duolingo, flashcards
accessibility, accessible_design, a11y, assistive, assistive_technology
screen_reader, voiceover, jaws, nvda, text_to_speech, read_aloud, reads_aloud
caption, captions, subtitles, subtitle, closed_captions, transcription
deaf, hard_of_hearing, hearing_impaired, hearing_loss
blind, visually_impaired, low_vision, vision_loss, sight_impaired
sustainability, sustainable, green_choices, \
climate_conscious, environment, planet, carbon_footprint
quality, high_quality, well_made, craftsmanship
time, hours, minutes, schedule_time
fun, enjoyable, entertaining, entertainment, leisure, hobby, hobbies, pastime
worry, concern, concerned, care_worry
""".strip()

# Abbreviations, contractions of jargon and fixed phrases. Applied to the casefolded
# text before tokenizing; keys must match whole words.
EXPANSIONS: dict[str, str] = {
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "k8s": "kubernetes",
    "ml": "machine learning",
    "ai": "ai",
    "llm": "ai language model",
    "llms": "ai language models",
    "nlp": "natural language processing",
    "fp": "functional programming",
    "oop": "object oriented programming",
    "swe": "software engineer",
    "sde": "software engineer",
    "eng": "engineer",
    "pm": "product manager",
    "em": "engineering manager",
    "cto": "chief technology officer",
    "ceo": "chief executive officer",
    "db": "database",
    "dbs": "databases",
    "2fa": "two factor authentication",
    "mfa": "two factor authentication",
    "tdd": "test driven development",
    "bdd": "behavior driven development",
    "ci": "continuous integration",
    "cd": "continuous delivery",
    "pr": "pull request",
    "prs": "pull requests",
    "eli5": "explain simply",
    "wfh": "work from home",
    "ooo": "out of office",
    "asap": "right away",
    "ux": "user experience",
    "ui": "user interface",
    "os": "operating system",
    "vm": "virtual machine",
    "api": "api",
    "gui": "graphical interface",
    "cli": "command line",
    "ide": "code editor",
    "repo": "repository",
    "repos": "repositories",
    "config": "configuration",
    "docs": "documentation",
    "doc": "documentation",
    "info": "information",
    "pic": "picture",
    "pics": "pictures",
    "vid": "video",
    "vids": "videos",
    "app": "app",
    "min": "minimum",
    "max": "maximum",
    "diy": "do it yourself",
    "faq": "frequently asked questions",
    "rpg": "role playing game",
    "rpgs": "role playing games",
    "mmo": "online multiplayer game",
    "wpm": "words per minute",
    "gf": "girlfriend",
    "bf": "boyfriend",
    "hr": "human resources",
    "b2b": "business to business",
    "saas": "software as a service",
    "iac": "infrastructure as code",
    "qa": "quality assurance",
    "dm": "direct message",
    "dms": "direct messages",
    "irl": "in person",
    "f2f": "face to face",
    "1:1": "one on one",
    "1-on-1": "one on one",
    "a11y": "accessibility",
    "i18n": "internationalization",
    "gym-goer": "goes to the gym",
    "sre": "site reliability engineer",
    "devops": "dev ops",
    "pto": "paid time off",
    "etf": "exchange traded fund",
    "etfs": "exchange traded funds",
    "hiit": "high intensity interval training",
    "ev": "electric car",
    "evs": "electric cars",
    "gpu": "graphics card",
    "gpus": "graphics cards",
    "nda": "non disclosure agreement",
    "kpi": "key performance indicator",
    "kpis": "key performance indicators",
    "okr": "objectives and key results",
    "okrs": "objectives and key results",
    "crm": "customer relationship management",
    "etl": "extract transform load",
    "gdpr": "european data protection rules",
    "vpn": "virtual private network",
    "ocr": "text recognition",
    "adhd": "attention deficit hyperactivity disorder",
    "asl": "american sign language",
    "esl": "english as a second language",
    "mba": "master of business administration",
    "phd": "doctorate",
    "rn": "registered nurse",
    "nba": "professional basketball",
    "nfl": "professional american football",
    "jrpg": "japanese role playing game",
    "jrpgs": "japanese role playing games",
    "edm": "electronic dance music",
    "daw": "music production software",
    "dl": "deep learning",
    "cs": "computer science",
    "ops": "operations",
    "infosec": "information security",
    "appsec": "application security",
    "pii": "personal data",
    "oss": "open source software",
    "e2e": "end to end",
    "ootd": "outfit of the day",
    "wip": "work in progress",
    "eta": "expected arrival time",
    "fyi": "for your information",
    "imo": "in their opinion",
    "btw": "by the way",
    "mvp": "minimum viable product",
    "roi": "return on investment",
    "apr": "annual interest rate",
    "bmi": "body mass index",
    "pr'd": "personal record",
    "uk": "british",
    "usa": "american",
    "ml-ops": "machine learning operations",
    "mlops": "machine learning operations",
    "gh": "github",
    "vc": "venture capital",
    "ipo": "initial public offering",
    "night owl": "night_owl",
    "early bird": "early_bird",
    "morning person": "morning",
    "evening person": "evening",
}

# Multi-word expressions that behave as one word; matched after expansion, on casefolded
# text with single spaces, and rewritten with "_" (the lexicons above use the same form).
PHRASES = """
to the point, one line, bite sized, long form, in depth, long winded,
 deep dive, wall of text, friendly tone, laid back, buttoned up,
strongly typed, loosely typed, weakly typed, from home, home office, in office, on site,
in person, on premises, face to face, early bird, before noon, night owl, after dark,
right away, take their time, all the time, every day, hardly ever, once in a while,
once a, beginner friendly, layman terms, plain language, everyday language,
 tech savvy, high risk, low risk, cut back,
light use, low cost, free tier, high end, open source, closed source,
commercial software, web based, hard copy, in print, by hand, hand made, real time,
 by themselves, on their own, single person, private person,
pair programming, quiet person, negative minded, couch potato, plan ahead, ad hoc,
last minute, wing it, go with the flow, plain design, busy design, cutting edge,
bleeding edge, up to date, state of the art, old fashioned, supportive tone,
mild feedback, straightforward feedback, no nonsense, brutally honest, strictly business,
no jokes, rigorous math, detailed numbers, hands on, real world, turn on, turned on,
switched on, opt in, opt out, opted out, opts out, turn off, turned off, turns off,
switched off, leave out, left out, leaves out, pick up, take up, took up, give up,
gave up, drop out, believe in, in favor, plant based, meat free, meat eater, meat lover,
remote area, small town, open air, on the go, monday to friday,
business days, high level, low level, nitty gritty, fine grained, start of,
end of, short height, heavy weight, laid off, between jobs, double check, fact check,
cross check, blindly trust, take at face value, locked down, insecure about,
self assured, self conscious, open to, at ease, care about, cares about, cared about,
caring about, fine with, ok with, okay with, happy with, glad to, opt for, opts for,
tired of, sick of, fed up, put off, off putting, stay away,
stays away, steer clear, steers clear, can not stand, object to, allergic to,
well versed, strong at, good at, weak at, bad at, just started, entry level,
power user, software engineer, software engineering, source code, rely on, relies on,
depend on, depends on, work with, works with, make use of,
go to, stick with, sticks with, stick to, sticks to, lean on, leans on, self teach,
self taught, teach themselves, take classes, day job, works at, works in,
works as, start to, support with, e mail, text message, stand up, work out, works out,
meal prep, green tea, herbal tea, written by, reading material, run team, lead team,
head of, direct reports, reports to them, grad student, studying at, curious about,
want to know, wants to know, follow up, laid out, lay out, look at, bullet point,
bullet points, rows and columns, step by step, walk through, how to, where from,
came from, comment on, comments on, video game, video games,
play games, watch tv, fast food, take out, burned out, burnt out, health care,
plan to, plans to, hope to, hopes to, about to, preparing for, ready for,
studying for, job interview, curriculum vitae, hiring manager, hiring managers,
co worker, due date, due dates, to do, personal data, personal information,
data protection, end to end, unit test, unit tests, test suite, back end, front end,
client side, command line, keyboard shortcuts, text editor, code editor,
color scheme, color schemes, font size, text size, screen reader, text to speech,
read aloud, reads aloud, closed captions, hard of hearing, hearing impaired,
hearing loss, visually impaired, low vision, vision loss,
 carbon footprint, high quality, well made, significant other,
assistive technology, machine learning, user experience, user interface,
 one on one, out of office, do it yourself, all day, first language,
output format, output formats, native language, mother tongue, native speaker,
source control, version control, given name, last name, family name,

no longer, rather than, instead of, would rather, once a, only once, just once,
once or twice, these days, at the moment, get rid of, impatient with, intolerant of,
works as, work as, employed as,
job as
""".strip()

# Words that negate what follows ("does not want"): an odd count flips the statement.
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "cannot",
        "cant",
        "nowhere",
        "no_longer",
        "free_of",
        "non",
        "lacks",
        "lacking",
    ]
)

# Words that only soften a claim; dropped before comparing.
HEDGES = frozenset(
    [
        "seem",
        "seems",
        "seemed",
        "seemingly",
        "appear",
        "appears",
        "appeared",
        "apparently",
        "probably",
        "likely",
        "maybe",
        "perhaps",
        "possibly",
        "presumably",
        "tend",
        "tends",
        "tended",
        "somewhat",
        "fairly",
        "might",
        "may",
        "could",
        "generally",
        "mostly",
        "mainly",
        "primarily",
        "usually",
        "typically",
        "largely",
        "kind_of",
        "sort_of",
        "quite",
        "pretty",
        "really",
        "very",
        "deeply",
        "strongly",
        "highly",
        "truly",
        "genuinely",
        "definitely",
        "clearly",
        "obviously",
        "especially",
        "particularly",
        "extremely",
        "super",
        "overall",
        "currently",
        "presently",
        "nowadays",
        "lately",
        "these_days",
        "at_the_moment",
    ]
)

# Markers of an exclusive claim: two exclusive claims about different objects clash.
EXCLUSIVES = frozenset(
    [
        "only",
        "exclusively",
        "solely",
        "just",
        "entirely",
        "purely",
        "strictly",
        "sole",
        "single",
        "always",
        "every",
        "all",
        "nothing_but",
        "main",
        "primary",
        "favorite",
        "favourite",
        "go_to",
        "default",
        "whenever",
        "everything",
        "fully",
    ]
)

# Scales whose words are adjectives of degree: the words of one end are synonyms of each
# other, and a negator right before one of them flips it ("not long" is short). On the
# other scales (nouns, verbs, places) words only mark opposition: "laptop" and "desktop"
# are not the same word although both sit at the same end of "device".
SYNONYMOUS_SCALES = frozenset(
    [
        "attitude",
        "length",
        "formality",
        "skill",
        "typing",
        "speed",
        "size",
        "frequency",
        "difficulty",
        "technical",
        "risk",
        "amount",
        "volume",
        "temperature",
        "price",
        "strictness",
        "structure",
        "decoration",
        "age",
        "tone",
        "seriousness",
        "precision",
        "abstraction",
        "patience",
        "security",
        "confidence_level",
        "mood",
        "activity",
        "sociability",
        "health",
        "strength",
        "agreement",
        "win",
    ]
)

# Converse roles (canonical content words): "learns X" and "teaches X" are different
# beliefs however much else they share.
CONVERSES = (
    ("learn", "teacher"),
    ("student", "teacher"),
    ("buy", "sell"),
    ("lend", "borrow"),
    ("give", "receive"),
    ("send", "receive"),
    ("question", "answer"),
    ("employer", "employee"),
    ("host", "guest"),
    ("import", "export"),
    ("upload", "download"),
    ("write", "read"),
    ("speak", "listen"),
    ("lead", "follow"),
    ("mentor", "mentee"),
    ("landlord", "tenant"),
    ("seller", "buyer"),
    ("parent", "kid"),
)

STRONG_EXCLUSIVES = frozenset(["only", "exclusively", "solely", "sole", "nothing_but"])

# Comparative frames: "X over Y", "X rather than Y", "more X than Y", "X instead of Y".
COMPARATORS = frozenset(
    [
        "rather_than",
        "instead_of",
        "over",
        "than",
        "versus",
        "vs",
        "before",
        "above",
        "ahead_of",
        "as_opposed_to",
        "in_preference_to",
    ]
)

# Words that carry no content for the comparison (after negators and hedges are read).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "it's",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "mine",
        "user",
        "work_as",
        "employed_as",
        "job_as",
        "user's",
        "users",
        "person's",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "have",
        "has",
        "had",
        "having",
        "get",
        "gets",
        "got",
        "getting",
        "make",
        "makes",
        "made",
        "making",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "and",
        "or",
        "but",
        "if",
        "so",
        "than",
        "then",
        "too",
        "also",
        "very",
        "much",
        "well",
        "just",
        "even",
        "still",
        "already",
        "yet",
        "again",
        "ever",
        "own",
        "same",
        "such",
        "some",
        "any",
        "other",
        "another",
        "each",
        "both",
        "either",
        "whether",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "while",
        "thing",
        "things",
        "stuff",
        "way",
        "ways",
        "kind",
        "sort",
        "lot",
        "lots",
        "bit",
        "would",
        "should",
        "will",
        "shall",
        "can",
        "could",
        "might",
        "must",
        "may",
        "someone",
        "one",
        "ones",
        "currently",
        "now",
        "today",
        "nowadays",
        "these_days",
        "lately",
        "one's",
        "oneself",
        "find",
        "finds",
        "consider",
        "considers",
        "think",
        "thinks",
        "feel",
        "feels",
        "regard",
        "regards",
        "keep",
        "keeps",
        "kept",
    ]
)
