COMMENT
Persistent K current (spec 4.5). Junction-potential shifted: the formulas use u = v + 10.
Time constants divided by qt = 2.3^1.3; tau_m has two branches split at u = -50 mV.
ENDCOMMENT

NEURON {
    SUFFIX KP
    USEION k READ ek WRITE ik
    RANGE gbar, g
    RANGE minf, hinf, mtau, htau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0 (S/cm2)
}

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m * m * h
    ik = g * (v - ek)
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
    h' = (hinf - h) / htau
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

PROCEDURE rates(vm (mV)) {
    LOCAL u, qt
    qt = 2.3 ^ ((34 - 21) / 10)
    u = vm + 10
    minf = 1 / (1 + exp(-(u + 1) / 12))
    if (u < -50) {
        mtau = (1.25 + 175.03 * exp(0.026 * u)) / qt
    } else {
        mtau = (1.25 + 13 * exp(-0.026 * u)) / qt
    }
    hinf = 1 / (1 + exp((u + 54) / 11))
    htau = (360 + (1010 + 24 * (u + 55)) * exp(-((u + 75) / 48) ^ 2)) / qt
}
