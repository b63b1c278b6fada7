"""Check a corpus's gold.json against its documents: evidence substrings, field values, overlaps.

    python3 corpus/verify_gold.py corpus/fresh      (or corpus/fresh2)
"""
import json, os, re, sys, collections
HERE = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'fresh'))
g = json.load(open(os.path.join(HERE, 'gold.json'), encoding='utf-8'))
docs = {n: open(os.path.join(HERE, 'docs', n), encoding='utf-8').read() for n in g['documents']}
errs = []
DONORS_X = {'EU', 'NATO', 'IMF', 'WB', 'EIB', 'EBRD', 'UN', 'G7', 'PRIVATE'}
STATUS = {'considered', 'planned', 'anticipated', 'requested', 'announced', 'pledged', 'decided',
          'approved', 'committed', 'allocated', 'disbursed', 'delivered'}
SCOPE = {'new', 'previous', 'cumulative', 'part_of'}
CURR = {'NZD', 'USD', 'EUR', 'GBP', 'JPY', 'CAD', 'AUD', 'NOK', 'SEK', 'CHF', 'KRW', 'UAH', 'DKK', 'PLN', 'CZK'}
for n, d in g['documents'].items():
    if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', d['published'] or ''): errs.append((n, 'published', d))
    if not d['title'] or d['title'] not in docs[n]: errs.append((n, 'title not in text'))
    w = len(docs[n].split())
    if not 250 <= w <= 750: errs.append((n, 'words', w))
for i, c in enumerate(g['commitments']):
    def e(m): errs.append((c.get('doc'), i, m, c.get('evidence', '')[:60]))
    if c['doc'] not in docs: e('doc missing'); continue
    if c['evidence'] not in docs[c['doc']]: e('evidence not in doc')
    if not (re.fullmatch(r'[A-Z]{3}', c['donor']) or c['donor'] in DONORS_X): e('donor')
    if not re.fullmatch(r'[A-Z]{3}', c['recipient']): e('recipient')
    if c['status'] not in STATUS: e('status')
    if c['scope'] not in SCOPE: e('scope')
    if c['aid_type'] not in (None, 'military', 'financial', 'humanitarian'): e('aid_type')
    if c['instrument'] not in (None, 'grant', 'loan', 'guarantee'): e('instrument')
    if c['date'] is not None and not re.fullmatch(r'\d{4}(-\d{2}(-\d{2})?)?', c['date']): e('date')
    if c['date'] and c['date'] > g['documents'][c['doc']]['published']: e('date after publication')
    k = c['kind']
    if k == 'money':
        if not (isinstance(c['amount'], int) and c['amount'] > 0): e('amount')
        if c['currency'] not in CURR: e('currency')
        if c['qualifier'] not in ('exact', 'over', 'about', 'up_to'): e('qualifier')
        if 'alt_amount' in c and c['alt_currency'] not in CURR: e('alt_currency')
    elif k == 'in_kind':
        if not (c['quantity'] is None or (isinstance(c['quantity'], int) and c['quantity'] > 0)): e('quantity')
        if not c['item'] or c['item'] != c['item'].strip(): e('item')
    elif k == 'service':
        if not c['item']: e('item')
    else: e('kind')
for t in g['not_commitments']:
    if t['doc'] not in docs: errs.append((t['doc'], 'trap doc missing'))
    elif t['evidence'] not in docs[t['doc']]: errs.append((t['doc'], 'trap evidence not in doc', t['evidence'][:60]))
# a trap span must not overlap a commitment evidence span in the same doc
for t in g['not_commitments']:
    d = docs.get(t['doc'], '')
    ts = d.find(t['evidence']); te = ts + len(t['evidence'])
    for c in g['commitments']:
        if c['doc'] != t['doc']: continue
        cs = d.find(c['evidence']); ce = cs + len(c['evidence'])
        if cs < te and ts < ce: errs.append((t['doc'], 'trap overlaps commitment', t['evidence'][:40], c['evidence'][:40]))
for x in errs: print('ERR', x)
C = g['commitments']
print(len(docs), 'docs;', len(C), 'commitments', dict(collections.Counter(c['kind'] for c in C)), ';', len(g['not_commitments']), 'traps')
print('donors', len({c['donor'] for c in C}), sorted(collections.Counter(c['donor'] for c in C).items()))
print('currencies', sorted(collections.Counter(c['currency'] for c in C if c['kind'] == 'money').items()))
print('status', sorted(collections.Counter(c['status'] for c in C).items()))
print('scope', sorted(collections.Counter(c['scope'] for c in C).items()))
print('recipients', sorted(collections.Counter(c['recipient'] for c in C).items()))
sys.exit(1 if errs else 0)
