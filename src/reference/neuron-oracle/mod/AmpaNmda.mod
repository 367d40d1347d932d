COMMENT
AMPA + NMDA synapse (spec 5.1-5.2): two independent double-exponential conductances sharing one peak
conductance gmax; each event raises both pairs by their own normalisation factor, so an isolated
event peaks at gmax in each component. NMDA is scaled by an instantaneous Mg block.
Weights multiply the increments (always 1 in this project).
ENDCOMMENT

NEURON {
    POINT_PROCESS AmpaNmda
    NONSPECIFIC_CURRENT i
    RANGE tauRiseAmpa, tauDecayAmpa, tauRiseNmda, tauDecayNmda, gmax, e, mg
    RANGE gAmpa, gNmda, iAmpa, iNmda, block
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
    (mM) = (milli/liter)
}

PARAMETER {
    tauRiseAmpa = 0.3 (ms)
    tauDecayAmpa = 3 (ms)
    tauRiseNmda = 2 (ms)
    tauDecayNmda = 70 (ms)
    gmax = 0.0004 (uS)
    e = 0 (mV)
    mg = 1 (mM)
}

ASSIGNED {
    v (mV)
    i (nA)
    iAmpa (nA)
    iNmda (nA)
    gAmpa (uS)
    gNmda (uS)
    block
    factorAmpa
    factorNmda
}

STATE {
    riseAmpa
    decayAmpa
    riseNmda
    decayNmda
}

INITIAL {
    riseAmpa = 0
    decayAmpa = 0
    riseNmda = 0
    decayNmda = 0
    factorAmpa = peakFactor(tauRiseAmpa, tauDecayAmpa)
    factorNmda = peakFactor(tauRiseNmda, tauDecayNmda)
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    block = 1 / (1 + exp(-0.08 * v) * mg / 3.57)
    gAmpa = gmax * (decayAmpa - riseAmpa)
    gNmda = gmax * (decayNmda - riseNmda)
    iAmpa = gAmpa * (v - e)
    iNmda = gNmda * block * (v - e)
    i = iAmpa + iNmda
}

DERIVATIVE states {
    riseAmpa' = -riseAmpa / tauRiseAmpa
    decayAmpa' = -decayAmpa / tauDecayAmpa
    riseNmda' = -riseNmda / tauRiseNmda
    decayNmda' = -decayNmda / tauDecayNmda
}

FUNCTION peakFactor(tr (ms), td (ms)) {
    : 1 / (exp(-tp/td) - exp(-tp/tr)) with tp the time of the peak of exp(-t/td) - exp(-t/tr)
    LOCAL tp
    tp = tr * td / (td - tr) * log(td / tr)
    peakFactor = 1 / (exp(-tp / td) - exp(-tp / tr))
}

NET_RECEIVE(weight) {
    riseAmpa = riseAmpa + weight * factorAmpa
    decayAmpa = decayAmpa + weight * factorAmpa
    riseNmda = riseNmda + weight * factorNmda
    decayNmda = decayNmda + weight * factorNmda
}
