// A C++ program for the symbolizer tests: namespaces, member functions,
// templates and the standard library's inline functions.  Names stay
// mangled in the symbolizer's answers: demangling is a later stage.
#include <vector>
#include <string>
namespace ns { struct S { int v; int get() const { return v * 2; } }; template <class T> T twice(T x) { return x + x; } }
int main(int argc, char **argv) { std::vector<ns::S> v; for (int i = 0; i < argc; i++) v.push_back({i}); int s = 0; for (auto &x : v) s += ns::twice(x.get()); std::string t(argv[0]); return s + (int)t.size(); }
