import numpy as np
seeds=[0,1,42,2**32+5,2**64-1]
out=[]
for s in seeds:
    ss=np.random.SeedSequence(s)
    st=ss.generate_state(4,np.uint64)
    out.append("seed %d state %s"%(s," ".join(str(int(x)) for x in st)))
    bg=np.random.PCG64(np.random.SeedSequence(s))
    out.append("seed %d raw %s"%(s," ".join(str(int(x)) for x in bg.random_raw(5))))
    g=np.random.Generator(np.random.PCG64(np.random.SeedSequence(s)))
    vals=[]
    for k in range(40):
        m=k%6
        if m==0: vals.append("u:%r"%g.uniform(-1,1))
        elif m==1: vals.append("i:%d"%g.integers(3,5))
        elif m==2: vals.append("r:%r"%g.random())
        elif m==3: vals.append("i:%d"%g.integers(1,3))
        elif m==4: vals.append("u:%r"%g.uniform(0,5*14/30.0))
        else: vals.append("i:%d"%g.integers(10,20))
    out.append("seed %d mixed %s"%(s," ".join(vals)))
print("\n".join(out))
