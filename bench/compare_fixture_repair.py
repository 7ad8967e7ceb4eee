"""One-off repair of fixtures/compare/*.reference.npz made before bench/compare_reference.py copied each
hook's output: PyTorch's in-place ops (GoogLeNet's F.relu(inplace=True) after each BasicConv2d's bn,
EfficientNet's in-place SiLU/ReLU and its residual `result += input`) overwrote some saved arrays after
they were saved. Such an array ends bitwise equal to a later module's output; this drops every array
equal to a later one unless the later one is an ancestor that returns it unchanged (the last child of
a Sequential, up the chain). Dropping only loses coverage; what stays is PyTorch's own output.
Rerun bench/compare_reference.py on a machine with PyTorch to get every module back.

    python3 bench/compare_fixture_repair.py OUT_DIR     # reads fixtures/compare, writes OUT_DIR/<model>.reference.npz
"""
import os
import re
import sys

import numpy as np

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'compare')
SEQ = {
 'googlenet': [r'^inception\w+\.branch[234]$'],
 'efficientnet_b0': [r'^features$', r'^features\.\d+$', r'^features\.\d+\.\d+\.block$', r'^features\.[08]$', r'^features\.\d+\.\d+\.block\.\d+$', r'^classifier$'],
}
def analyse(m, write=None):
    z=np.load(os.path.join(FIXTURES, f'{m}.reference.npz'))
    keys=list(z.keys()); arrs={k:z[k] for k in keys}
    def children(p): 
        return [k for k in keys if k.startswith(p+'.') and '.' not in k[len(p)+1:]]
    def is_seq(p):
        if m=='efficientnet_b0' and re.match(r'^features\.\d+\.\d+\.block\.\d+$', p):
            # a Conv2dNormActivation (Sequential) has children 0,1[,2]; a SqueezeExcitation has avgpool/fc1/...
            return all(c.split('.')[-1].isdigit() for c in children(p)) and len(children(p))>0
        return any(re.match(r,p) for r in SEQ[m])
    def legit(k, k2):
        if not k.startswith(k2+'.'): return False
        cur=k
        while cur!=k2:
            parent=cur.rsplit('.',1)[0]
            if not is_seq(parent): return False
            if children(parent)[-1]!=cur: return False
            cur=parent
        return True
    victims=[]
    for i,k in enumerate(keys):
        if k=='output': continue
        for k2 in keys[i+1:]:
            if k2!='output' and arrs[k].shape==arrs[k2].shape and np.array_equal(arrs[k],arrs[k2]) and not legit(k,k2):
                victims.append((k,k2)); break
    print(m, len(keys), 'victims', len(victims))
    for v in victims: print('   ', v)
    if write:
        keep={k:arrs[k] for k in keys if k not in {v[0] for v in victims}}
        np.savez(write, **keep)
        print('wrote', write, len(keep))
for m in ['googlenet','efficientnet_b0']:
    analyse(m, sys.argv[1]+f'/{m}.reference.npz' if len(sys.argv)>1 else None)
