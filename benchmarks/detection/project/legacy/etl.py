import urllib2  # nodep[3]
import cPickle  # nodep[3]
from ConfigParser import SafeConfigParser  # nodep[3]
import SocketServer  # nodep[3]
from StringIO import StringIO  # nodep[3]
import Queue  # nodep[3]
try:
    import simplejson as json  # dep[0] simplejson
except ImportError:
    import json
